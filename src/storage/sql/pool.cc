#include "storage/sql/pool.h"

#include "base/check.h"

namespace icp::sql {

namespace {

// How many leases this thread holds, of any pool.
thread_local int leases_held = 0;

}  // namespace

Pool::Lease::Lease(Pool& pool, std::unique_ptr<Connection> connection)
    : pool_(&pool), connection_(std::move(connection)), held_(&leases_held) {
  ++*held_;
}

Pool::Lease::~Lease() {
  if (!connection_) return;  // moved from
  --*held_;
  pool_->Return(std::move(connection_));
}

Pool::Pool(Opener open, std::size_t max) : open_(std::move(open)), max_(max) {
  ICP_CHECK(max_ > 0) << "a pool needs at least one connection";
}

Result<Pool::Lease> Pool::Acquire() {
  std::unique_lock lock(mutex_);
  const bool holds_one = leases_held > 0;  // then waiting could wait for itself
  returned_.wait(lock, [&] { return !idle_.empty() || open_count_ < max_ || holds_one; });
  if (!idle_.empty()) {
    std::unique_ptr<Connection> c = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(c));
  }
  ++open_count_;
  lock.unlock();
  Result<std::unique_ptr<Connection>> opened = open_();
  if (!opened) {
    lock.lock();
    --open_count_;
    returned_.notify_one();
    return std::unexpected(opened.error());
  }
  return Lease(*this, std::move(*opened));
}

void Pool::Return(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mutex_);
  if (connection->healthy() && open_count_ <= max_) {
    idle_.push_back(std::move(connection));
  } else {
    --open_count_;
  }
  returned_.notify_one();
}

}  // namespace icp::sql

#include "storage/sql/pool.h"

#include "base/check.h"

namespace icp::sql {

Pool::Lease::~Lease() {
  if (connection_) pool_->Return(std::move(connection_));
}

Pool::Pool(Opener open, std::size_t max) : open_(std::move(open)), max_(max) {
  ICP_CHECK(max_ > 0) << "a pool needs at least one connection";
}

Result<Pool::Lease> Pool::Acquire() {
  std::unique_lock lock(mutex_);
  returned_.wait(lock, [&] { return !idle_.empty() || open_count_ < max_; });
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
  if (connection->healthy()) {
    idle_.push_back(std::move(connection));
  } else {
    --open_count_;
  }
  returned_.notify_one();
}

}  // namespace icp::sql

#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "base/result.h"
#include "storage/sql/connection.h"

namespace icp::sql {

// Connections for threads to borrow. Opens them lazily, up to `max`; a caller waits while
// all are lent out. A connection that comes back broken is closed, not reused.
//
// A thread that already holds a connection never waits for another: it gets one beyond
// `max`, closed when it comes back. Otherwise `max` threads each holding one and asking for a
// second (a unit of work that reads its result back, a request that authenticates and then
// writes) would wait for each other forever. The extra connections are bounded by the
// number of threads.
class Pool {
 public:
  using Opener = std::function<Result<std::unique_ptr<Connection>>()>;

  // Returns the connection to the pool when destroyed.
  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<Connection> connection);
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> connection_;
    int* held_;  // the count of leases of the thread that acquired it
  };

  Pool(Opener open, std::size_t max);

  Result<Lease> Acquire();

 private:
  void Return(std::unique_ptr<Connection> connection);

  Opener open_;
  const std::size_t max_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_count_ = 0;
};

}  // namespace icp::sql

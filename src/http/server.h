#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/result.h"
#include "http/dispatcher.h"

namespace icp::http {

struct ServerOptions {
  std::string address = "127.0.0.1";        // the address to listen on
  std::uint16_t port = 8080;                // 0 picks a free port; Listen() says which
  std::size_t max_body_bytes = 1 << 20;     // larger bodies get a 413 problem
  std::size_t max_header_bytes = 16 << 10;  // larger headers get a 431 problem
  // How long a client may take to send a whole request, and how long a kept-alive
  // connection may stay idle; a client that is slower is disconnected.
  std::chrono::milliseconds read_timeout{30'000};
  // How long a handler may take before the client gets a 503 problem instead.
  std::chrono::milliseconds handler_timeout{30'000};
  std::size_t handler_threads = 4;  // handlers run here; only hot routes' on the network thread
  // Called on the network thread once a shutdown has closed the listening socket.
  std::function<void()> on_draining;
};

// icpd's HTTP/1.1 server (Boost.Beast, which appears in server.cc and nowhere else).
// One network thread reads and writes every connection; handlers run on a pool, each
// request through the dispatcher, except a hot route's (Router::AddHot), which only reads
// memory and is answered on the network thread. Keep-alive is honoured until a shutdown begins.
class Server {
 public:
  // `dispatcher` is borrowed and outlives the server.
  Server(ServerOptions options, const Dispatcher& dispatcher);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. Returns the port (the chosen one when options.port is 0).
  // kInvalidArgument for an address that does not parse, kUnavailable when the address
  // and port cannot be bound; both name the address and port.
  Result<std::uint16_t> Listen();

  // Serves until Stop(), then returns once every request that had begun to arrive is
  // answered. REQUIRES: Listen() succeeded.
  void Run();

  // Begins a graceful shutdown: stops accepting, closes idle connections, lets requests in
  // flight finish (each answered with Connection: close). Callable from any thread, any
  // number of times; not from a signal handler.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace icp::http

// The only file that knows Boost.Beast and Asio (STYLE.md §4.3, HOWTO "Compile time"): it
// turns bytes into http::Request, hands them to the Dispatcher on the handler pool, and
// writes http::Response back.
#include "http/server.h"

#include <array>
#include <cctype>
#include <exception>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "base/check.h"
#include "http/responses.h"

namespace icp::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

// One client connection. `busy` is true from the first byte of a request until its
// response is written: a shutdown waits for busy connections and closes idle ones.
struct Connection {
  explicit Connection(tcp::socket socket)
      : stream(std::move(socket)), idle_timer(stream.get_executor()) {}
  beast::tcp_stream stream;
  asio::steady_timer idle_timer;
  bool busy = false;
};

// A handler's answer on its way back from the pool to the network thread.
struct Pending {
  explicit Pending(asio::io_context& io) : timer(io) {}
  asio::steady_timer timer;  // expires at the handler deadline; cancelled by the answer
  std::optional<Response> response;
};

Request ToRequest(bhttp::request<bhttp::string_body>&& message) {
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto [it, inserted] = request.headers.emplace(name, std::string(field.value()));
    if (!inserted) it->second += ", " + std::string(field.value());
  }
  request.body = std::move(message.body());
  return request;
}

bhttp::response<bhttp::string_body> ToMessage(Response response, bool keep_alive) {
  bhttp::response<bhttp::string_body> message{static_cast<bhttp::status>(response.status), 11};
  for (auto& [name, value] : response.headers) message.set(name, value);
  message.body() = std::move(response.body);
  message.keep_alive(keep_alive);
  message.prepare_payload();
  return message;
}

// The refusal for a request that could not be read whole, or 0 when the connection is
// simply gone (closed, reset, timed out: Beast closes the socket on a timeout).
// `body_limit`: the limit the request's route had (Dispatcher::BodyLimit).
std::pair<int, Error> Refusal(const beast::error_code& ec, const ServerOptions& options,
                              std::size_t body_limit) {
  if (ec == bhttp::error::body_limit) {
    return {413, InvalidFields(
                     {{"body", "request.body-too-large",
                       fmt::format("the body is larger than the limit of {} bytes", body_limit),
                       fmt::format("请求体超过上限 {} 字节", body_limit)}})
                     .error()};
  }
  if (ec == bhttp::error::header_limit) {
    return {431, InvalidFields({{"headers", "request.headers-too-large",
                                 fmt::format("the headers are larger than the limit of {} bytes",
                                             options.max_header_bytes),
                                 "请求头过大"}})
                     .error()};
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
      ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
    return {400, InvalidFields({{"", "request.malformed",
                                 "the request is not well-formed HTTP/1.1: " + ec.message(),
                                 "请求不是合法的 HTTP/1.1 报文"}})
                     .error()};
  }
  return {0, Error{}};
}

}  // namespace

struct Server::Impl {
  Impl(ServerOptions o, const Dispatcher& d)
      : options(std::move(o)), dispatcher(d), pool(options.handler_threads) {}

  asio::awaitable<void> Accept();
  asio::awaitable<void> Serve(std::shared_ptr<Connection> c);
  asio::awaitable<bool> WaitForRequest(std::shared_ptr<Connection> c,
                                       const beast::flat_buffer& buffer);
  asio::awaitable<Response> RunHandler(const Request& request);
  asio::awaitable<void> RefuseAndClose(Connection& c, Request request, int status, Error error);
  void BeginStop();

  ServerOptions options;
  const Dispatcher& dispatcher;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  asio::thread_pool pool;
  // Only touched on the network thread.
  bool stopping = false;
  std::set<Connection*> connections;
};

asio::awaitable<void> Server::Impl::Accept() {
  while (!stopping) {
    auto [ec, socket] = co_await acceptor.async_accept(kNoThrow);
    if (stopping || ec == asio::error::operation_aborted) co_return;
    if (ec) {
      spdlog::warn("accept failed: {}", ec.message());
      continue;
    }
    asio::co_spawn(io, Serve(std::make_shared<Connection>(std::move(socket))),
                   [](std::exception_ptr e) {
                     if (!e) return;
                     try {
                       std::rethrow_exception(e);
                     } catch (const std::exception& x) {
                       spdlog::error("connection ended by an exception: {}", x.what());
                     }
                   });
  }
}

// Waits, idle, for the first byte of the next request; false when the connection should
// end (closed by the client, idle too long, or closed by a shutdown).
asio::awaitable<bool> Server::Impl::WaitForRequest(std::shared_ptr<Connection> c,
                                                   const beast::flat_buffer& buffer) {
  if (buffer.size() > 0) co_return true;  // a pipelined request is already here
  // A connection that comes here idle after a shutdown began (accepted just before it, or
  // answered while it began) ends like the idle ones BeginStop() closed.
  beast::error_code unused;
  if (stopping && c->stream.socket().available(unused) == 0) co_return false;
  c->idle_timer.expires_after(options.read_timeout);
  c->idle_timer.async_wait([c](const beast::error_code& ec) {
    beast::error_code ignored;
    if (!ec && !c->busy) c->stream.socket().close(ignored);
  });
  auto [ec] = co_await c->stream.socket().async_wait(tcp::socket::wait_read, kNoThrow);
  c->idle_timer.cancel();
  // A request that began to arrive before a shutdown is served (BeginStop left it open).
  co_return !ec;
}

// Runs the handler on the pool and waits for it up to the handler deadline.
asio::awaitable<Response> Server::Impl::RunHandler(const Request& request) {
  auto pending = std::make_shared<Pending>(io);
  pending->timer.expires_after(options.handler_timeout);
  asio::post(pool, [this, pending, request] {
    Response response = dispatcher.Handle(request);
    asio::post(io, [pending, response = std::move(response)]() mutable {
      pending->response = std::move(response);
      pending->timer.cancel();
    });
  });
  co_await pending->timer.async_wait(kNoThrow);
  if (pending->response) co_return std::move(*pending->response);
  Error late = Unavailable(fmt::format("the request took longer than the limit of {} ms",
                                       options.handler_timeout.count()))
                   .error();
  late.violations.push_back(
      {"", "request.handler-timeout", late.message, "请求处理超时，请稍后重试"});
  co_return Dispatcher::Seal(request, ProblemResponse(request, late));
}

// Answers a request that could not be read whole, then closes the connection the way
// RFC 9112 §9.6 asks: stop sending, read what the client still sends for a moment, close.
// Closing at once would reset the connection and could destroy the answer in flight.
asio::awaitable<void> Server::Impl::RefuseAndClose(Connection& c, Request request, int status,
                                                   Error error) {
  Response response = Dispatcher::Seal(request, ProblemResponse(request, error, status));
  dispatcher.Record(request, response);
  bhttp::response<bhttp::string_body> message = ToMessage(std::move(response), false);
  c.stream.expires_after(options.read_timeout);
  auto [write_ec, written] = co_await bhttp::async_write(c.stream, message, kNoThrow);
  if (write_ec) co_return;
  beast::error_code ignored;
  c.stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  c.stream.expires_after(std::chrono::seconds(1));
  std::array<char, 16384> sink;
  for (;;) {
    auto [ec, n] = co_await c.stream.async_read_some(asio::buffer(sink), kNoThrow);
    if (ec) break;
  }
}

asio::awaitable<void> Server::Impl::Serve(std::shared_ptr<Connection> c) {
  connections.insert(c.get());
  // The peer's address, for the sign-in throttle (a proxy in front would be the peer): the
  // same for every request of the connection, so asked once.
  std::string peer_address;
  {
    boost::system::error_code peer_ec;
    const tcp::endpoint peer = c->stream.socket().remote_endpoint(peer_ec);
    if (!peer_ec) peer_address = peer.address().to_string();
  }
  beast::flat_buffer buffer;
  while (co_await WaitForRequest(c, buffer)) {
    c->busy = true;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(options.max_body_bytes);
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    c->stream.expires_after(options.read_timeout);
    // The headers first: the route they name decides how large a body may follow (an upload
    // route takes more than a JSON one; Router::Add with max_body_bytes). Beast compares a
    // Content-Length with the limit as the headers complete, so the limit is lifted while
    // they are read and the route's limit is applied here, before any of the body is read.
    // A request that announces no body (most GETs: the gate's) skips the route lookup.
    std::size_t body_limit = options.max_body_bytes;
    parser.body_limit(boost::none);
    auto [read_ec, read] = co_await bhttp::async_read_header(c->stream, buffer, parser, kNoThrow);
    if (!read_ec) {
      const boost::optional<std::uint64_t> length = parser.content_length();
      if (parser.chunked() || length.value_or(0) > 0) {
        const auto method = parser.get().method_string();
        const auto target = parser.get().target();
        body_limit = dispatcher.BodyLimit(std::string_view(method.data(), method.size()),
                                          std::string_view(target.data(), target.size()),
                                          options.max_body_bytes);
      }
      if (length && *length > body_limit) {
        read_ec = bhttp::error::body_limit;
      } else {
        parser.body_limit(body_limit);  // a chunked body is counted as it arrives
        std::tie(read_ec, read) = co_await bhttp::async_read(c->stream, buffer, parser, kNoThrow);
      }
    }
    if (read_ec) {
      auto [status, error] = Refusal(read_ec, options, body_limit);
      if (status == 0) break;
      Request request;
      if (parser.is_header_done()) {
        request.method = std::string(parser.get().method_string());
        request.target = std::string(parser.get().target());
      }
      dispatcher.Admit(request);
      co_await RefuseAndClose(*c, std::move(request), status, std::move(error));
      break;
    }
    const bool keep_alive = parser.get().keep_alive();
    Request request = ToRequest(parser.release());
    request.remote_address = peer_address;
    dispatcher.Admit(request);
    // A hot route only reads memory (Router::AddHot): answered here, with no trip to the
    // pool and back. (Not a conditional expression: GCC 12 miscompiles a co_await in one.)
    Response response;
    if (request.hot) {
      response = dispatcher.Handle(request);
    } else {
      response = co_await RunHandler(request);
    }
    dispatcher.Record(request, response);
    if (response.drop_connection) break;  // no answer at all: the connection just closes
    const bool again = keep_alive && !stopping;
    bhttp::response<bhttp::string_body> message = ToMessage(std::move(response), again);
    c->stream.expires_after(options.read_timeout);
    auto [write_ec, written] = co_await bhttp::async_write(c->stream, message, kNoThrow);
    c->busy = false;
    // A shutdown that began while this response was written skipped this connection as
    // busy: it ends here instead of waiting, idle, for a request that will not be served.
    if (write_ec || !again || stopping) break;
  }
  connections.erase(c.get());
  beast::error_code ignored;
  c->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  c->stream.socket().close(ignored);
}

void Server::Impl::BeginStop() {
  if (stopping) return;
  stopping = true;
  beast::error_code ignored;
  acceptor.close(ignored);
  // Idle connections are closed; one whose next request has begun to arrive (bytes wait in
  // the socket) is in flight like a busy one, and is answered before the server returns.
  for (Connection* c : connections) {
    if (!c->busy && c->stream.socket().available(ignored) == 0) c->stream.socket().close(ignored);
  }
  if (options.on_draining) options.on_draining();
}

Server::Server(ServerOptions options, const Dispatcher& dispatcher)
    : impl_(std::make_unique<Impl>(std::move(options), dispatcher)) {}

Server::~Server() { impl_->pool.join(); }

Result<std::uint16_t> Server::Listen() {
  const std::string where = fmt::format("{}:{}", impl_->options.address, impl_->options.port);
  beast::error_code ec;
  const asio::ip::address address = asio::ip::make_address(impl_->options.address, ec);
  if (ec) {
    return InvalidValue("listen.address",
                        "--listen " + impl_->options.address + " is not an IP address",
                        "--listen 不是 IP 地址");
  }
  const tcp::endpoint endpoint{address, impl_->options.port};
  tcp::acceptor& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) return acceptor.local_endpoint().port();
  beast::error_code ignored;
  acceptor.close(ignored);
  Error error = Unavailable("cannot listen on " + where + ": " + ec.message()).error();
  error.violations.push_back(
      {"listen", "listen.bind", error.message, "无法在 " + where + " 上监听"});
  return std::unexpected(std::move(error));
}

void Server::Run() {
  ICP_CHECK(impl_->acceptor.is_open()) << "Server::Run() before a successful Listen()";
  asio::co_spawn(impl_->io, impl_->Accept(), asio::detached);
  impl_->io.run();
  // Handlers that outlived their deadline still post their answer here; let them finish.
  impl_->pool.join();
  impl_->io.restart();
  impl_->io.poll();
}

void Server::Stop() {
  asio::post(impl_->io, [impl = impl_.get()] { impl->BeginStop(); });
}

}  // namespace icp::http

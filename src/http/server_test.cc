#include "http/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "http/responses.h"

namespace icp::http {
namespace {

// A gate a handler waits at until the test opens it; `entered` tells the test it is there.
class Gate {
 public:
  void Enter() {
    std::unique_lock lock(mutex_);
    entered_ = true;
    changed_.notify_all();
    changed_.wait(lock, [&] { return open_; });
  }
  void WaitUntilEntered() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return entered_; });
  }
  void Open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool entered_ = false;
  bool open_ = false;
};

int Connect(std::uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  timeval timeout{10, 0};  // a broken server fails the test instead of hanging it
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  return fd;
}

// Sends `request` and reads until the server closes the connection.
std::string Exchange(std::uint16_t port, const std::string& request) {
  const int fd = Connect(port);
  EXPECT_EQ(send(fd, request.data(), request.size(), 0), static_cast<ssize_t>(request.size()));
  std::string answer;
  char buffer[4096];
  for (ssize_t n; (n = recv(fd, buffer, sizeof buffer, 0)) > 0;) answer.append(buffer, n);
  close(fd);
  return answer;
}

class ServerTest : public ::testing::Test {
 protected:
  ServerTest() {
    router_.Add("GET", "/slow", Access::kPublic, [this](const Request&) {
      gate_.Enter();
      return TextResponse("done", "text/plain");
    });
    router_.Add("GET", "/fast", Access::kPublic,
                [](const Request&) { return TextResponse("fast", "text/plain"); });
    router_.Add("GET", "/drop", Access::kPublic, [](const Request&) {
      Response r = TextResponse("never sent", "text/plain");
      r.drop_connection = true;
      return r;
    });
    // A hot route and an ordinary one that say which thread answered them.
    router_.AddHot("GET", "/hot-thread", [this](const Request&) {
      return TextResponse(ThreadName(std::this_thread::get_id()), "text/plain");
    });
    router_.Add("GET", "/pool-thread", Access::kPublic, [this](const Request&) {
      return TextResponse(ThreadName(std::this_thread::get_id()), "text/plain");
    });
    // An upload route: its own, larger body limit (Router::Add with max_body_bytes).
    router_.Add("POST", "/upload", Access::kPublic, 20, [](const Request& q) {
      return TextResponse(std::to_string(q.body.size()) + " bytes", "text/plain");
    });
  }
  ~ServerTest() override {
    gate_.Open();
    if (server_) server_->Stop();
    if (runner_.joinable()) runner_.join();
  }

  std::uint16_t Start(ServerOptions options) {
    options.port = 0;
    server_ = std::make_unique<Server>(options, dispatcher_);
    Result<std::uint16_t> port = server_->Listen();
    EXPECT_TRUE(port.has_value()) << port.error().message;
    runner_ = std::thread([this] { server_->Run(); });
    return *port;
  }

  // "network" for the thread that runs Server::Run(), "other" for any other.
  std::string ThreadName(std::thread::id id) const {
    return id == runner_.get_id() ? "network" : "other";
  }

  Gate gate_;
  Router router_;
  Metrics metrics_;
  Dispatcher dispatcher_{router_, metrics_};
  std::unique_ptr<Server> server_;
  std::thread runner_;
};

TEST_F(ServerTest, AnswersASlowHandlerWith503AtItsDeadline) {
  ServerOptions options;
  options.handler_timeout = std::chrono::milliseconds(50);
  const std::uint16_t port = Start(options);
  const std::string answer =
      Exchange(port, "GET /slow HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 503 ")) << answer;
  EXPECT_NE(answer.find("\"rule\":\"request.handler-timeout\""), std::string::npos) << answer;
  EXPECT_NE(answer.find("X-Frame-Options: DENY"), std::string::npos) << answer;
  // The network thread is free meanwhile: another request is answered at once.
  EXPECT_TRUE(Exchange(port, "GET /fast HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                  .starts_with("HTTP/1.1 200 "));
}

// The gate is asked on every request at a provider's edge: its route only reads memory, so
// the network thread answers it without the trip to the handler pool and back.
TEST_F(ServerTest, AnswersAHotRouteOnTheNetworkThreadAndTheOthersOnThePool) {
  const std::uint16_t port = Start(ServerOptions{});
  const std::string hot =
      Exchange(port, "GET /hot-thread HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(hot.starts_with("HTTP/1.1 200 ")) << hot;
  EXPECT_TRUE(hot.ends_with("\r\n\r\nnetwork")) << hot;
  EXPECT_NE(hot.find("X-Frame-Options: DENY"), std::string::npos) << "sealed like any other";
  const std::string pooled =
      Exchange(port, "GET /pool-thread HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(pooled.ends_with("\r\n\r\nother")) << pooled;
}

TEST_F(ServerTest, ADroppedResponseClosesTheConnectionWithoutAByte) {
  const std::uint16_t port = Start(ServerOptions{});
  EXPECT_EQ(Exchange(port, "GET /drop HTTP/1.1\r\nHost: t\r\n\r\n"), "");
  EXPECT_TRUE(Exchange(port, "GET /fast HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                  .starts_with("HTTP/1.1 200 "));
}

TEST_F(ServerTest, StopLetsAHandlerInFlightFinishThenReturns) {
  const std::uint16_t port = Start(ServerOptions{});
  std::string answer;
  std::thread client([&] { answer = Exchange(port, "GET /slow HTTP/1.1\r\nHost: t\r\n\r\n"); });
  gate_.WaitUntilEntered();
  server_->Stop();
  gate_.Open();
  runner_.join();  // Run() returned: the server drained
  client.join();
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 200 ")) << answer;
  EXPECT_NE(answer.find("Connection: close"), std::string::npos) << answer;
  EXPECT_TRUE(answer.ends_with("done")) << answer;
}

TEST_F(ServerTest, RefusesAnOversizedBodyWith413) {
  ServerOptions options;
  options.max_body_bytes = 10;
  const std::uint16_t port = Start(options);
  const std::string answer =
      Exchange(port, "POST /fast HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\n01234567890");
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 413 ")) << answer;
  EXPECT_NE(answer.find("\"rule\":\"request.body-too-large\""), std::string::npos) << answer;
}

TEST_F(ServerTest, AnUploadRouteTakesALargerBodyThanTheOthers) {
  ServerOptions options;
  options.max_body_bytes = 10;
  const std::uint16_t port = Start(options);
  const std::string fifteen = "012345678901234";
  const std::string taken = Exchange(port,
                                     "POST /upload?x=1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                                     "Content-Length: 15\r\n\r\n" +
                                         fifteen);
  EXPECT_TRUE(taken.starts_with("HTTP/1.1 200 ")) << taken;
  EXPECT_TRUE(taken.ends_with("15 bytes")) << taken;
  const std::string over = Exchange(
      port, "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 21\r\n\r\n" + fifteen + "012345");
  EXPECT_TRUE(over.starts_with("HTTP/1.1 413 ")) << over;
  EXPECT_NE(over.find("limit of 20 bytes"), std::string::npos) << over;
  // The same body to another route meets the server's limit.
  const std::string other =
      Exchange(port, "POST /fast HTTP/1.1\r\nHost: t\r\nContent-Length: 15\r\n\r\n" + fifteen);
  EXPECT_TRUE(other.starts_with("HTTP/1.1 413 ")) << other;
  EXPECT_NE(other.find("limit of 10 bytes"), std::string::npos) << other;
  // A chunked body has no length up front: it is counted as it arrives.
  const std::string chunked =
      Exchange(port,
               "POST /fast HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
               "6\r\n012345\r\n6\r\n012345\r\n0\r\n\r\n");
  EXPECT_TRUE(chunked.starts_with("HTTP/1.1 413 ")) << chunked;
  const std::string chunked_upload =
      Exchange(port,
               "POST /upload HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
               "Transfer-Encoding: chunked\r\n\r\n6\r\n012345\r\n6\r\n012345\r\n0\r\n\r\n");
  EXPECT_TRUE(chunked_upload.ends_with("12 bytes")) << chunked_upload;
}

TEST_F(ServerTest, RefusesOversizedHeadersWith431) {
  ServerOptions options;
  options.max_header_bytes = 256;
  const std::uint16_t port = Start(options);
  const std::string answer = Exchange(
      port, "GET /fast HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(1024, 'a') + "\r\n\r\n");
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 431 ")) << answer;
  EXPECT_NE(answer.find("\"rule\":\"request.headers-too-large\""), std::string::npos) << answer;
}

TEST_F(ServerTest, RefusesAMalformedRequestWith400) {
  const std::uint16_t port = Start(ServerOptions{});
  const std::string answer = Exchange(port, "GET / HTTP/1.1\r\nBad Header\r\n\r\n");
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 400 ")) << answer;
  EXPECT_NE(answer.find("\"rule\":\"request.malformed\""), std::string::npos) << answer;
}

TEST(Server, NamesAnAddressThatDoesNotParse) {
  Router router;
  Metrics metrics;
  Dispatcher dispatcher(router, metrics);
  ServerOptions options;
  options.address = "localhost:80";
  Server server(options, dispatcher);
  Result<std::uint16_t> port = server.Listen();
  ASSERT_FALSE(port.has_value());
  EXPECT_EQ(port.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(port.error().rule(), "listen.address");
}

TEST(Server, NamesAPortInUse) {
  Router router;
  Metrics metrics;
  Dispatcher dispatcher(router, metrics);
  ServerOptions options;
  options.port = 0;
  Server first(options, dispatcher);
  Result<std::uint16_t> taken = first.Listen();
  ASSERT_TRUE(taken.has_value());
  options.port = *taken;
  Server second(options, dispatcher);
  Result<std::uint16_t> port = second.Listen();
  ASSERT_FALSE(port.has_value());
  EXPECT_EQ(port.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(port.error().rule(), "listen.bind");
  EXPECT_NE(port.error().message.find(std::to_string(*taken)), std::string::npos);
}

}  // namespace
}  // namespace icp::http

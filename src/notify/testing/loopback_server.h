#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <functional>
#include <string>
#include <thread>

namespace icp::notify::testing {

// One end of a connection the server accepted, for a test's protocol script.
class Connection {
 public:
  explicit Connection(int fd) : fd_(fd) {}

  // A line without its CRLF; "" once the peer closed (then closed() is true).
  std::string ReadLine() {
    std::string line;
    while (true) {
      std::size_t end = buffer_.find("\r\n");
      if (end != std::string::npos) {
        line = buffer_.substr(0, end);
        buffer_.erase(0, end + 2);
        return line;
      }
      if (!Fill()) return std::exchange(buffer_, {});
    }
  }
  // Exactly n bytes, or fewer if the peer closed.
  std::string Read(std::size_t n) {
    while (buffer_.size() < n && Fill()) {
    }
    std::string out = buffer_.substr(0, n);
    buffer_.erase(0, out.size());
    return out;
  }
  bool closed() const { return closed_; }
  void Write(std::string_view text) {
    while (!text.empty()) {
      ssize_t n = ::send(fd_, text.data(), text.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      text.remove_prefix(static_cast<std::size_t>(n));
    }
  }

 private:
  bool Fill() {
    char chunk[4096];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
      closed_ = true;  // closed, or silent for the receive timeout
      return false;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_;
  std::string buffer_;
  bool closed_ = false;
};

// A TCP server on 127.0.0.1 and a port the kernel picks, running `script` for each
// connection in turn on its own thread, until destroyed. A connection silent for 10 s counts
// as closed, so a script never waits forever on a client that went wrong.
class LoopbackServer {
 public:
  explicit LoopbackServer(std::function<void(Connection&)> script) : script_(std::move(script)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(listener_, 8);
    socklen_t length = sizeof address;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] {
      for (;;) {
        int fd = ::accept(listener_, nullptr, nullptr);
        if (fd < 0) return;  // shut down
        timeval limit{10, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
        Connection c(fd);
        script_(c);
        ::close(fd);
      }
    });
  }
  ~LoopbackServer() {
    ::shutdown(listener_, SHUT_RDWR);
    thread_.join();
    ::close(listener_);
  }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  int port() const { return port_; }

 private:
  std::function<void(Connection&)> script_;
  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace icp::notify::testing

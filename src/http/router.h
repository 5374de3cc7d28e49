#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "domain/personal_data.h"
#include "http/request.h"
#include "http/response.h"

namespace icp::http {

// A handler: a free function over the request and the use cases it was bound to
// (STYLE.md §4.3). It returns every outcome as a Response; a throw is a bug, which the
// dispatcher answers with 500.
using Handler = std::function<Response(const Request&)>;

// Who may call a route. Everything but kPublic needs a signed-in caller (a console session
// or an API key); kStaff is a reviewer or an admin. The dispatcher enforces it before the
// handler runs; use cases still check ownership (a customer sees only its own account's
// objects).
enum class Access { kPublic, kSignedIn, kCustomer, kStaff, kAdmin };

std::string_view AccessName(Access access);  // "public", "signed_in", "customer", ...
// Whether a caller with `role` may call a route with `access` (kPublic: everyone).
bool Allows(Access access, Role role);

// One row of the route table: method, path pattern, who may call it, handler. A pattern is
// a path whose segments are literal ("v1") or a parameter: "{id}" matches one non-empty
// segment without ':', "{id}:submit" one that ends in ":submit" (a custom method, AIP-136).
struct Route {
  std::string method;
  std::string pattern;
  Access access = Access::kPublic;
  Handler handler;
  // The largest body this route reads; 0: the server's max_body_bytes. Only routes that take
  // files (uploads) raise it, so a JSON route keeps the small limit.
  std::size_t max_body_bytes = 0;
  // A hot route (Router::AddHot): public, answered from memory on the network thread.
  bool hot = false;
};

// The outcome of matching a method and a path against the table.
struct RouteMatch {
  const Route* route = nullptr;               // null: no route takes this method and path
  std::map<std::string, std::string> params;  // {name} -> segment, when route is set
  std::vector<std::string> allowed;  // the methods of the routes whose pattern fits the path
};

// The route table. Built once at startup (http/routes.cc) and read-only afterwards, so
// Match() may run on many threads at once.
class Router {
 public:
  // REQUIRES: `pattern` starts with '/', each parameter is a whole segment with a
  // non-empty name, and no route with the same method and pattern was added before.
  void Add(std::string method, std::string pattern, Access access, Handler handler);
  // The same, for a route whose body may be up to `max_body_bytes` (an upload).
  void Add(std::string method, std::string pattern, Access access, std::size_t max_body_bytes,
           Handler handler);
  // A public route asked at an edge's request rate (the access gate) whose handler only
  // reads memory: it never blocks, so the server runs it on its network thread instead of
  // handing it to the pool and back, and the access log counts it in the metrics without a
  // line per request (at debug level it still writes one). A handler that touches the store,
  // a file or the network must never be added here: it would stall every connection.
  void AddHot(std::string method, std::string pattern, Handler handler);

  // The body limit of the route that takes `method` and `path` (the target without its
  // query), or `fallback` when that route has none of its own or no route takes them.
  std::size_t BodyLimit(std::string_view method, std::string_view path, std::size_t fallback) const;

  RouteMatch Match(std::string_view method, std::string_view path) const;

  // Every route in the order added: the security tests walk this list.
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> segments_;  // each route's pattern, split once
};

}  // namespace icp::http

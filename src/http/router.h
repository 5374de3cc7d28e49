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

  RouteMatch Match(std::string_view method, std::string_view path) const;

  // Every route in the order added: the security tests walk this list.
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace icp::http

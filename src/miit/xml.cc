#include "miit/xml.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include <charconv>
#include <cstdint>
#include <mutex>

#include "base/check.h"
#include "miit/wire_error.h"

namespace icp::miit {
namespace {

void InitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

// Swallows libxml2's generic error output; errors are read from the contexts instead.
void Silent(void* /*ctx*/, const char* /*msg*/, ...) {}

std::string_view View(const xmlChar* s) {
  return s == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char*>(s));
}

std::string TrimMessage(const char* message) {
  std::string m = message == nullptr ? "" : message;
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] + 32) : b[i];
    if (x != y) return false;
  }
  return true;
}

bool IsXmlChar(unsigned char c) { return c >= 0x20 || c == '\t' || c == '\n' || c == '\r'; }

// Collects schema validation errors.
struct SchemaErrors {
  std::string prefix;
  std::vector<FieldViolation> violations;
};

void CollectSchemaError(void* data, xmlErrorPtr error) {
  auto* errors = static_cast<SchemaErrors*>(data);
  std::string path;
  if (error->node != nullptr) {
    xmlChar* p = xmlGetNodePath(static_cast<xmlNodePtr>(error->node));
    path = std::string(View(p));
    xmlFree(p);
    if (!path.empty() && path[0] == '/') path.erase(0, 1);
  }
  if (!errors->prefix.empty()) path = path.empty() ? errors->prefix : errors->prefix + "." + path;
  std::string message = TrimMessage(error->message);
  errors->violations.push_back({std::move(path), std::string(rule::kSchema),
                                "line " + std::to_string(error->line) + ": " + message,
                                "不符合接口XSD规范：" + message});
}

void IgnoreStructured(void* /*data*/, xmlErrorPtr /*error*/) {}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        if (IsXmlChar(static_cast<unsigned char>(c))) out += c;
    }
  }
  return out;
}

XmlWriter::XmlWriter(std::string_view encoding) {
  if (!encoding.empty()) {
    out_ = "<?xml version=\"1.0\" encoding=\"" + std::string(encoding) + "\"?>\n";
  }
}

XmlWriter& XmlWriter::Open(
    std::string_view name,
    std::initializer_list<std::pair<std::string_view, std::string_view>> attributes) {
  out_ += '<';
  out_ += name;
  for (const auto& [key, value] : attributes) {
    out_ += ' ';
    out_ += key;
    out_ += "=\"";
    out_ += XmlEscape(value);
    out_ += '"';
  }
  out_ += '>';
  open_.emplace_back(name);
  return *this;
}

XmlWriter& XmlWriter::Close() {
  ICP_CHECK(!open_.empty()) << "XmlWriter::Close without Open";
  out_ += "</";
  out_ += open_.back();
  out_ += '>';
  open_.pop_back();
  return *this;
}

XmlWriter& XmlWriter::Leaf(std::string_view name, std::string_view text) {
  out_ += '<';
  out_ += name;
  out_ += '>';
  out_ += XmlEscape(text);
  out_ += "</";
  out_ += name;
  out_ += '>';
  return *this;
}

XmlWriter& XmlWriter::Leaf(std::string_view name, std::int64_t value) {
  return Leaf(name, std::string_view(std::to_string(value)));
}

XmlWriter& XmlWriter::OptionalLeaf(std::string_view name, const std::optional<std::string>& text) {
  if (text) Leaf(name, std::string_view(*text));
  return *this;
}

XmlWriter& XmlWriter::OptionalLeaf(std::string_view name,
                                   const std::optional<std::int64_t>& value) {
  if (value) Leaf(name, *value);
  return *this;
}

XmlWriter& XmlWriter::Raw(std::string_view xml) {
  out_ += xml;
  return *this;
}

std::string XmlWriter::Finish() {
  ICP_CHECK(open_.empty()) << "XmlWriter::Finish with <" << open_.back() << "> open";
  return std::move(out_);
}

std::string_view XmlElement::name() const { return View(node_->name); }

std::string_view XmlElement::ns() const {
  return node_->ns == nullptr ? std::string_view() : View(node_->ns->href);
}

std::string XmlElement::text() const {
  std::string out;
  for (xmlNodePtr c = node_->children; c != nullptr; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) out += View(c->content);
  }
  return out;
}

std::vector<XmlElement> XmlElement::children() const {
  std::vector<XmlElement> out;
  for (xmlNodePtr c = node_->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) out.push_back(XmlElement(c));
  }
  return out;
}

std::vector<XmlElement> XmlElement::children(std::string_view name, bool ignore_case) const {
  std::vector<XmlElement> out;
  for (xmlNodePtr c = node_->children; c != nullptr; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    std::string_view n = View(c->name);
    if (ignore_case ? EqualsIgnoreCase(n, name) : n == name) out.push_back(XmlElement(c));
  }
  return out;
}

std::optional<XmlElement> XmlElement::child(std::string_view name, bool ignore_case) const {
  for (xmlNodePtr c = node_->children; c != nullptr; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    std::string_view n = View(c->name);
    if (ignore_case ? EqualsIgnoreCase(n, name) : n == name) return XmlElement(c);
  }
  return std::nullopt;
}

std::optional<std::string> XmlElement::attribute(std::string_view name) const {
  for (xmlAttrPtr a = node_->properties; a != nullptr; a = a->next) {
    if (View(a->name) != name) continue;
    xmlChar* value = xmlNodeListGetString(node_->doc, a->children, 1);
    std::string out(View(value));
    xmlFree(value);
    return out;
  }
  return std::nullopt;
}

std::string XmlElement::path() const {
  xmlChar* p = xmlGetNodePath(node_);
  std::string out(View(p));
  xmlFree(p);
  if (!out.empty() && out[0] == '/') out.erase(0, 1);
  return out;
}

Result<std::shared_ptr<const XmlSchema>> XmlSchema::Compile(std::string_view xsd,
                                                            std::string_view name) {
  InitOnce();
  xmlSchemaParserCtxtPtr ctxt = xmlSchemaNewMemParserCtxt(xsd.data(), static_cast<int>(xsd.size()));
  if (ctxt == nullptr) return Internal("schema " + std::string(name) + ": no parser context");
  SchemaErrors errors;
  xmlSchemaSetParserStructuredErrors(ctxt, CollectSchemaError, &errors);
  xmlSchemaPtr schema = xmlSchemaParse(ctxt);
  xmlSchemaFreeParserCtxt(ctxt);
  if (schema == nullptr) {
    std::string message = "schema " + std::string(name) + " does not compile";
    for (const FieldViolation& v : errors.violations) message += "; " + v.message;
    return Internal(message);
  }
  return std::shared_ptr<const XmlSchema>(new XmlSchema(schema));
}

XmlSchema::~XmlSchema() { xmlSchemaFree(schema_); }

void XmlDocument::Free::operator()(_xmlDoc* doc) const { xmlFreeDoc(doc); }

Result<XmlDocument> XmlDocument::Parse(std::string_view utf8, std::string_view field) {
  InitOnce();
  // Refused before libxml2 sees it: the interface has no DTDs, and a DOCTYPE is where entity
  // expansion attacks live.
  if (utf8.find("<!DOCTYPE") != std::string_view::npos) {
    return WireError(rule::kXml, std::string(field), "a DOCTYPE is not allowed",
                     "不允许DOCTYPE声明");
  }
  if (utf8.size() > static_cast<std::size_t>(INT32_MAX)) {
    return WireError(rule::kXml, std::string(field), "the document is too large", "文档过大");
  }
  xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
  if (ctxt == nullptr) return Internal("libxml2: no parser context");
  // No network, no entity substitution, no DTD loading; errors are read from the context.
  constexpr int kOptions = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
  xmlSetGenericErrorFunc(nullptr, Silent);
  xmlSetStructuredErrorFunc(nullptr, IgnoreStructured);
  xmlDocPtr doc = xmlCtxtReadMemory(ctxt, utf8.data(), static_cast<int>(utf8.size()), nullptr,
                                    "UTF-8", kOptions);
  std::string message = TrimMessage(ctxt->lastError.message);
  int line = ctxt->lastError.line;
  bool well_formed = ctxt->wellFormed != 0;
  xmlFreeParserCtxt(ctxt);
  if (doc == nullptr || !well_formed) {
    if (doc != nullptr) xmlFreeDoc(doc);
    return WireError(rule::kXml, std::string(field),
                     "not well-formed XML (line " + std::to_string(line) + "): " + message,
                     "XML格式错误（第" + std::to_string(line) + "行）");
  }
  XmlDocument out(doc);
  if (xmlDocGetRootElement(doc) == nullptr) {
    return WireError(rule::kXml, std::string(field), "the document has no root element",
                     "XML缺少根元素");
  }
  return out;
}

XmlElement XmlDocument::root() const { return XmlElement(xmlDocGetRootElement(doc_.get())); }

Result<void> XmlDocument::Validate(const XmlSchema& schema, std::string_view field) const {
  xmlSchemaValidCtxtPtr ctxt = xmlSchemaNewValidCtxt(schema.schema_);
  ICP_CHECK(ctxt != nullptr) << "xmlSchemaNewValidCtxt failed";
  SchemaErrors errors{std::string(field), {}};
  xmlSchemaSetValidStructuredErrors(ctxt, CollectSchemaError, &errors);
  int rc = xmlSchemaValidateDoc(ctxt, doc_.get());
  xmlSchemaFreeValidCtxt(ctxt);
  if (rc == 0) return {};
  if (errors.violations.empty()) {
    errors.violations.push_back({std::string(field), std::string(rule::kSchema),
                                 "schema validation failed (" + std::to_string(rc) + ")",
                                 "不符合接口XSD规范"});
  }
  return InvalidFields(std::move(errors.violations));
}

std::optional<XmlElement> XmlReader::Child(const XmlElement& parent, std::string_view name) {
  std::vector<XmlElement> found = parent.children(name);
  if (found.size() == 1) return found.front();
  Fail(parent.path() + "/" + std::string(name),
       found.empty() ? "is missing" : "appears " + std::to_string(found.size()) + " times");
  return std::nullopt;
}

std::string XmlReader::Text(const XmlElement& parent, std::string_view name) {
  std::optional<XmlElement> e = Child(parent, name);
  return e ? e->text() : std::string();
}

std::optional<std::string> XmlReader::OptionalText(const XmlElement& parent,
                                                   std::string_view name) {
  if (!parent.child(name)) return std::nullopt;
  return Text(parent, name);
}

std::int64_t XmlReader::LongOf(const XmlElement& element) {
  std::string text = element.text();
  std::string_view t = text;
  while (!t.empty() && (t.front() == ' ' || t.front() == '\n' || t.front() == '\t'))
    t.remove_prefix(1);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\n' || t.back() == '\t'))
    t.remove_suffix(1);
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size()) {
    Fail(element.path(), "is not an integer: \"" + std::string(t.substr(0, 40)) + "\"");
    return 0;
  }
  return value;
}

std::int64_t XmlReader::Long(const XmlElement& parent, std::string_view name) {
  std::optional<XmlElement> e = Child(parent, name);
  return e ? LongOf(*e) : 0;
}

std::optional<std::int64_t> XmlReader::OptionalLong(const XmlElement& parent,
                                                    std::string_view name) {
  if (!parent.child(name)) return std::nullopt;
  return Long(parent, name);
}

void XmlReader::Fail(std::string field, std::string message) {
  violations_.push_back({std::move(field), std::string(rule::kValue), message, ""});
}

Error XmlReader::error() const { return InvalidFields(violations_).error(); }

}  // namespace icp::miit

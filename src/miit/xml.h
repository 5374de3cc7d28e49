#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

struct _xmlNode;
struct _xmlDoc;
struct _xmlSchema;

namespace icp::miit {

// XML for the interface: a small writer for building documents as text, and a read-only view
// of libxml2's tree for reading them, with schema validation. libxml2 appears in xml.cc only.

// `text` with &, <, > and " escaped, for element content and attribute values. Characters
// XML 1.0 cannot carry at all (controls other than tab, CR, LF) are dropped.
std::string XmlEscape(std::string_view text);

// Builds a document in order: Open/Leaf/Close. Element names are the caller's constants.
class XmlWriter {
 public:
  // Starts with <?xml version="1.0" encoding="ENCODING"?> unless `encoding` is empty.
  explicit XmlWriter(std::string_view encoding = "GBK");

  XmlWriter& Open(
      std::string_view name,
      std::initializer_list<std::pair<std::string_view, std::string_view>> attributes = {});
  XmlWriter& Close();
  XmlWriter& Leaf(std::string_view name, std::string_view text);
  XmlWriter& Leaf(std::string_view name, std::int64_t value);
  // Writes nothing for nullopt (an optional element absent).
  XmlWriter& OptionalLeaf(std::string_view name, const std::optional<std::string>& text);
  XmlWriter& OptionalLeaf(std::string_view name, const std::optional<std::int64_t>& value);
  // Inserts `xml`, an already well-formed fragment.
  XmlWriter& Raw(std::string_view xml);

  // The document. REQUIRES: every Open was closed.
  std::string Finish();

 private:
  std::string out_;
  std::vector<std::string> open_;
};

// A view of one element of an XmlDocument; valid while the document lives.
class XmlElement {
 public:
  // The local name (without prefix).
  std::string_view name() const;
  // The namespace URI, "" when none.
  std::string_view ns() const;
  // The concatenated text of the element's own text and CDATA children.
  std::string text() const;
  std::vector<XmlElement> children() const;
  // The element children whose local name is `name`; with `ignore_case`, ASCII case is ignored.
  std::vector<XmlElement> children(std::string_view name, bool ignore_case = false) const;
  std::optional<XmlElement> child(std::string_view name, bool ignore_case = false) const;
  std::optional<std::string> attribute(std::string_view name) const;
  // "UploadData/ICP/XZBA/Baxx[2]/Zt_xx": where the element is, for error messages.
  std::string path() const;

 private:
  friend class XmlDocument;
  explicit XmlElement(_xmlNode* node) : node_(node) {}
  _xmlNode* node_;
};

// A compiled XML schema (XSD), immutable and safe to share between threads.
class XmlSchema {
 public:
  // kInternal when `xsd` does not compile (our own schemas are compiled in; a failure is a
  // bug), listing libxml2's messages.
  static Result<std::shared_ptr<const XmlSchema>> Compile(std::string_view xsd,
                                                          std::string_view name);
  ~XmlSchema();
  XmlSchema(const XmlSchema&) = delete;
  XmlSchema& operator=(const XmlSchema&) = delete;

 private:
  friend class XmlDocument;
  explicit XmlSchema(_xmlSchema* schema) : schema_(schema) {}
  _xmlSchema* schema_;
};

// A parsed document. Parsing never fetches anything, never expands entities and refuses a
// DOCTYPE (no DTD, no entity tricks); the text is UTF-8 whatever its declaration says (the
// interface's GBK is converted before parsing, by gbk.h).
class XmlDocument {
 public:
  // kInvalidArgument (rule "miit.xml") naming `field`, the line and libxml2's message.
  static Result<XmlDocument> Parse(std::string_view utf8, std::string_view field);

  XmlElement root() const;

  // Every violation of `schema` (rule "miit.schema"), each with the node's path as its field
  // (prefixed by `field` when not empty) and libxml2's message.
  Result<void> Validate(const XmlSchema& schema, std::string_view field = {}) const;

 private:
  struct Free {
    void operator()(_xmlDoc* doc) const;
  };
  explicit XmlDocument(_xmlDoc* doc) : doc_(doc) {}
  std::unique_ptr<_xmlDoc, Free> doc_;
};

// Reads typed values out of elements, collecting a violation (rule "miit.value", with the
// element's path) for each that is missing or malformed, so a decoder reports every problem
// at once and stays total: a failed read gives a default value and the decoder carries on.
class XmlReader {
 public:
  // The text of the one child `name`: "" and a violation when absent.
  std::string Text(const XmlElement& parent, std::string_view name);
  // nullopt when the child is absent.
  std::optional<std::string> OptionalText(const XmlElement& parent, std::string_view name);
  std::int64_t Long(const XmlElement& parent, std::string_view name);
  std::optional<std::int64_t> OptionalLong(const XmlElement& parent, std::string_view name);
  // The value of an element's own text as a decimal long.
  std::int64_t LongOf(const XmlElement& element);
  // The one child `name`: nullopt and a violation when absent.
  std::optional<XmlElement> Child(const XmlElement& parent, std::string_view name);

  void Fail(std::string field, std::string message);
  bool ok() const { return violations_.empty(); }
  // kInvalidArgument listing every violation. REQUIRES: !ok().
  Error error() const;

 private:
  std::vector<FieldViolation> violations_;
};

}  // namespace icp::miit

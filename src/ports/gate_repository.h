#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "base/result.h"

namespace icp {

// The access gate's view of the store (docs/storage.md, "The access gate"): which domains
// this provider may serve, the bureau's lists it must refuse, and the numbered change
// sequence that says which domains' answers may have changed since a given point.

// The bureau's lists the gate refuses (BUREAU-PROTOCOL §5: HMDLB, FFJRHMD, WBAWZLB).
enum class GateList : std::uint8_t {
  kBlacklist = 0,      // HMDLB/Wzhmdxxs: a blacklisted website's domains
  kIllegalAccess = 1,  // FFJRHMD: a site accessed illegally
  kUnfiled = 2,        // WBAWZLB: an unfiled site found on this provider's network
};
inline constexpr GateList kGateLists[] = {GateList::kBlacklist, GateList::kIllegalAccess,
                                          GateList::kUnfiled};

// "blacklist", "illegal_access", "unfiled": the stored spelling and the API's.
std::string_view GateListName(GateList list);
std::optional<GateList> GateListFromName(std::string_view name);

// One domain on one of the bureau's lists. The entry covers the domain and its subdomains.
struct GateListEntry {
  GateList list = GateList::kBlacklist;
  std::string domain;          // A-label form, lower case, no trailing dot: "bad.example.cn"
  std::string source;          // what the bureau said: its record id, the website's name
  std::int64_t listed_at = 0;  // Unix seconds

  friend bool operator==(const GateListEntry&, const GateListEntry&) = default;
};

// A domain this provider may serve: a domain of an active website with an issued, not
// cancelled website number, under an active subject, on record here (so accessed here).
struct FiledDomain {
  std::string domain;  // A-label form, as the website lists it ("example.cn")
  std::string number;  // the website's filing number, canonical form ("京ICP备2020001234号-1")

  friend bool operator==(const FiledDomain&, const FiledDomain&) = default;
};

// One numbered row of the change sequence: `domain`'s answer may differ from what it was
// before `seq`. Numbers are gapless and appear in commit order (SQLite: one writer;
// PostgreSQL: the gate_head row is locked by the writer until it commits); a reader that
// finds a gap after its position (old rows pruned) must rebuild from the full listing.
struct GateChange {
  std::int64_t seq = 0;
  std::string domain;

  friend bool operator==(const GateChange&, const GateChange&) = default;
};

class GateReader {
 public:
  virtual ~GateReader() = default;

  // The number of the last change committed (0 when none). Read it in the same read
  // transaction as a full listing: the listing is the state at that change.
  virtual Result<std::int64_t> LastChange() = 0;
  // Changes with seq > `after`, in seq order, at most `limit`.
  virtual Result<std::vector<GateChange>> ChangesAfter(std::int64_t after, std::size_t limit) = 0;
  // Filed domains in domain order (bytewise), those after `after`, at most `limit`.
  virtual Result<std::vector<FiledDomain>> ListFiled(std::string_view after, std::size_t limit) = 0;
  // The filed domain equal to `domain` (A-label form), if any.
  virtual Result<std::optional<FiledDomain>> FindFiled(std::string_view domain) = 0;
  // Every entry of the bureau's lists, by list then domain.
  virtual Result<std::vector<GateListEntry>> ListEntries() = 0;
  // The entries for exactly `domain`, on any list.
  virtual Result<std::vector<GateListEntry>> FindEntries(std::string_view domain) = 0;
};

// With the writes to the bureau's lists (the filed domains change with the records).
class GateRepository : public GateReader {
 public:
  // Adds the entry or replaces its source; false when the same entry was there already.
  // kFailedPrecondition (rule "gate.list-domain") for a domain not in A-label form.
  virtual Result<bool> PutEntry(const GateListEntry& entry) = 0;
  // Removes the entry; false when there was none.
  virtual Result<bool> RemoveEntry(GateList list, std::string_view domain) = 0;
};

// The bureau's lists the gate refuses, as the gateway's download loop hands them over
// (bureau/gate_lists.h maps miit's decoded HMDLB, FFJRHMD and WBAWZLB onto this).
struct GateListItem {
  GateList list = GateList::kBlacklist;
  std::string domain;   // as the bureau wrote it: any case, U-labels, a trailing dot
  std::string source;   // what to keep of the bureau's record: its id, the website's name
  bool remove = false;  // HMDLB's Czlx = 2 (delete)

  friend bool operator==(const GateListItem&, const GateListItem&) = default;
};

struct GateListUpdate {
  std::vector<GateListItem> items;
  // Lists given whole: their entries not among `items` are removed (a resync).
  std::vector<GateList> replace;
};

struct GateListReport {
  std::size_t added = 0;  // new entries, or entries whose source changed
  std::size_t removed = 0;
  std::size_t unchanged = 0;
  // Items not applied, each at items[i].domain: a domain that is not a host name, or an IP
  // address (rules gate.host-*). The rest is applied: one bad line of the bureau's file
  // must not keep every other entry out of the gate.
  std::vector<FieldViolation> skipped;

  friend bool operator==(const GateListReport&, const GateListReport&) = default;
};

// Where the gateway's download loop hands the bureau's lists (implemented by app/GateLists).
class GateListWriter {
 public:
  virtual ~GateListWriter() = default;
  virtual Result<GateListReport> Apply(const GateListUpdate& update) = 0;
};

}  // namespace icp

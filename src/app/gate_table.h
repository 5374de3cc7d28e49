#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ports/gate_repository.h"

namespace icp {

// What the gate knows about one domain: the number it is filed under here, the bureau's
// lists it is on.
struct GateStanding {
  std::string number;      // the website's filing number; "" when not filed here
  std::uint8_t lists = 0;  // bit (1 << list) for each GateList the domain is on

  bool filed() const { return !number.empty(); }
  bool listed(GateList list) const { return (lists >> static_cast<unsigned>(list)) & 1U; }
  bool empty() const { return number.empty() && lists == 0; }

  friend bool operator==(const GateStanding&, const GateStanding&) = default;
};

// An immutable set of domains with their standing, compact enough for tens of millions of
// domains in one process (issue 12; docs/performance.md): every entry is packed in one arena
// ([domain length][domain][number length][number, packed][lists]; a number such as
// 京ICP备2020001234号-1 takes 13 bytes instead of 27), and an open-addressing table of 64-bit
// slots (40 bits of arena offset, 24 bits of the hash) finds it, so a probe that misses
// rarely touches the arena. Built once (Builder), then only read: any number of threads may
// read it at once.
class GateTable {
 public:
  class Builder {
   public:
    // Room for `entries` domains (an estimate; it grows past it).
    void Reserve(std::size_t entries);
    // REQUIRES: `domain` is 1..253 bytes and not added before; `number` is under 255 bytes.
    // A domain added twice is a bug of the caller (the store lists each domain once).
    void Add(std::string_view domain, const GateStanding& standing);
    GateTable Build() &&;

   private:
    std::string arena_;
    std::vector<std::uint64_t> offsets_;
  };

  GateTable();

  // The standing of exactly `domain` (A-label form), or nullopt.
  std::optional<GateStanding> Find(std::string_view domain) const;
  // Whether `domain` is in the table: the probe alone, without decoding the number.
  bool Contains(std::string_view domain) const;
  // Whether `domain` is filed and the lists it is on, without decoding the number: what a
  // host's walk over its parent domains needs at each step (the number is read once, for
  // the answer).
  struct Peek {
    bool filed = false;
    std::uint8_t lists = 0;
  };
  std::optional<Peek> Look(std::string_view domain) const;

  std::size_t size() const { return size_; }
  // Bytes held by the arena and the slots (what issue 12's memory budget counts).
  std::size_t bytes() const;

  // Calls f(domain, standing) for every entry, in no particular order.
  template <class F>
  void ForEach(F&& f) const {
    for (std::uint64_t slot : slots_) {
      if (slot != 0) f(DomainAt(slot), StandingAt(slot));
    }
  }

 private:
  std::uint64_t SlotOf(std::string_view domain) const;  // 0 when absent
  std::string_view DomainAt(std::uint64_t slot) const;
  GateStanding StandingAt(std::uint64_t slot) const;

  std::string arena_;
  std::vector<std::uint64_t> slots_;  // capacity a power of two; 0 = empty
  std::uint64_t mask_ = 0;
  std::size_t size_ = 0;
};

// A filing number in the table's packed form and back (exposed for its tests). Canonical
// numbers of the form <province>ICP备|证<digits>号[-suffix] pack to one byte for the
// province and kind, then the digits and the suffix; anything else is kept as it is.
std::string PackFilingNumber(std::string_view number);
std::string UnpackFilingNumber(std::string_view packed);

}  // namespace icp

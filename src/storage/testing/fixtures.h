#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "domain/application.h"
#include "domain/holiday_calendar.h"
#include "ports/database.h"

namespace icp::storage_testing {

// Data for the contract suite and the race and crash tests: valid values, built from the
// domain's own parsers, distinct per serial number.

inline constexpr std::chrono::sys_seconds kT0{std::chrono::seconds(1'795'000'000)};  // 2026-11

// A valid resident ID number (Guangdong, born 1990) whose serial part is `serial`.
std::string ResidentIdNumber(int serial);

// A personal first filing in Guangdong for subject `serial`, with one website on `domain`.
Application SampleApplication(int serial, std::string_view domain);

// A new record of `type` in draft, for `account`.
ApplicationRecord NewRecord(AccountId account, Application application,
                            ApplicationType type = ApplicationType::kFirstFiling,
                            std::chrono::sys_seconds now = kT0);

// A calendar with one holiday week, enough for lifecycle moves in tests.
const HolidayCalendar& TestCalendar();

// The national parameters of data/rules/national.json, as DeadlinePolicyOf gives them.
const DeadlinePolicy& TestDeadlinePolicy();

// Applies `event` at `now` or aborts the test program: fixtures only make legal moves.
void Move(ApplicationRecord& record, ApplicationEvent event, std::chrono::sys_seconds now);

// Creates an account with `login` in its own unit of work; aborts on failure.
AccountId CreateAccount(Database& db, std::string_view login);

// A subject of `account` and its website listing `domain`, on record with their numbers
// (京ICP备2027<serial, 6 digits>号 and its -1), committed: what an approval or an import
// leaves in the store, and what the access gate serves. Aborts on failure. The website's
// number.
FilingNumber FileWebsite(Database& db, AccountId account, int serial, std::string_view domain);

}  // namespace icp::storage_testing

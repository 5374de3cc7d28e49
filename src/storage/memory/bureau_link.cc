// The bureau link in memory.
#include "storage/memory/bureau_link.h"

#include <algorithm>
#include <tuple>

namespace icp::memory {

Result<BureauLinkRow*> BureauLink::Held(std::int64_t isp_id, std::string_view holder) {
  auto it = s_.state().bureau_links.find(isp_id);
  if (it == s_.state().bureau_links.end() || it->second.state.holder != holder) {
    return BureauLeaseLost(isp_id);
  }
  return &it->second;
}

Result<SentFile*> BureauLink::KeptFile(std::int64_t isp_id, std::int32_t sequence) {
  for (SentFile& f : s_.state().bureau_files) {
    if (f.isp_id == isp_id && f.sequence == sequence && f.state == SentFileState::kKept) return &f;
  }
  return BureauSequenceRefused("no kept file has sequence " + std::to_string(sequence));
}

Result<BureauLinkState> BureauLink::State(std::int64_t isp_id) {
  return s_.Read([&]() -> Result<BureauLinkState> {
    auto it = s_.state().bureau_links.find(isp_id);
    if (it == s_.state().bureau_links.end())
      return Missing("bureau account", std::to_string(isp_id));
    return it->second.state;
  });
}

Result<std::optional<SentFile>> BureauLink::FileBySequence(std::int64_t isp_id,
                                                           std::int32_t sequence) {
  return s_.Read([&]() -> Result<std::optional<SentFile>> {
    for (const SentFile& f : s_.state().bureau_files) {
      if (f.isp_id == isp_id && f.sequence == sequence && f.state != SentFileState::kRefused) {
        return f;
      }
    }
    return std::nullopt;
  });
}

Result<std::optional<SentFile>> BureauLink::FileByName(std::int64_t isp_id,
                                                       std::string_view file_name) {
  return s_.Read([&]() -> Result<std::optional<SentFile>> {
    for (const SentFile& f : s_.state().bureau_files) {
      if (f.isp_id == isp_id && f.file_name == file_name) return f;
    }
    return std::nullopt;
  });
}

Result<std::vector<SentFile>> BureauLink::Unaccepted(std::int64_t isp_id) {
  return s_.Read([&]() -> Result<std::vector<SentFile>> {
    std::vector<SentFile> out;
    for (const SentFile& f : s_.state().bureau_files) {
      if (f.isp_id == isp_id && f.state == SentFileState::kKept) out.push_back(f);
    }
    std::ranges::sort(out, {}, &SentFile::sequence);
    return out;
  });
}

Result<std::optional<SentFile>> BureauLink::FileByRecordKey(std::int64_t isp_id, std::int64_t key) {
  return s_.Read([&]() -> Result<std::optional<SentFile>> {
    // The SQL store's order: by sequence, the file not refused before refused ones, by time
    // kept; the later kept wins a tie.
    auto rank = [](const SentFile& f) {
      return std::tuple(f.sequence, f.state != SentFileState::kRefused, f.kept_at);
    };
    std::optional<SentFile> latest;
    for (const SentFile& f : s_.state().bureau_files) {  // in the order kept
      if (f.isp_id == isp_id && std::ranges::find(f.record_keys, key) != f.record_keys.end() &&
          (!latest || rank(f) >= rank(*latest))) {
        latest = f;
      }
    }
    return latest;
  });
}

Result<std::optional<ProcessedDownload>> BureauLink::Download(std::int64_t isp_id,
                                                              std::string_view file_name) {
  return s_.Read([&]() -> Result<std::optional<ProcessedDownload>> {
    auto it = s_.state().bureau_downloads.find({isp_id, std::string(file_name)});
    if (it == s_.state().bureau_downloads.end()) return std::nullopt;
    return it->second;
  });
}

Result<std::vector<ParkedDownload>> BureauLink::Parked(std::int64_t isp_id, bool pending_only) {
  return s_.Read([&]() -> Result<std::vector<ParkedDownload>> {
    std::vector<ParkedDownload> out;
    for (const ParkedDownload& p : s_.state().bureau_parked) {
      if (p.isp_id == isp_id && (!pending_only || !p.replayed_at)) out.push_back(p);
    }
    return out;
  });
}

Result<std::optional<ParkedDownload>> BureauLink::ParkedFile(std::int64_t isp_id,
                                                             std::string_view file_name) {
  return s_.Read([&]() -> Result<std::optional<ParkedDownload>> {
    for (const ParkedDownload& p : s_.state().bureau_parked) {
      if (p.isp_id == isp_id && p.file_name == file_name) return p;
    }
    return std::nullopt;
  });
}

Result<std::optional<BureauIds>> BureauLink::SubjectIds(SubjectId subject) {
  return s_.Read([&]() -> Result<std::optional<BureauIds>> {
    auto it = s_.state().bureau_subject_ids.find(subject.value());
    if (it == s_.state().bureau_subject_ids.end()) return std::nullopt;
    return it->second.ids;
  });
}

Result<std::vector<BureauReason>> BureauLink::Reasons(ApplicationId application) {
  return s_.Read([&]() -> Result<std::vector<BureauReason>> {
    std::vector<BureauReason> out;
    for (const BureauReason& r : s_.state().bureau_reasons) {
      if (r.application == application) out.push_back(r);
    }
    return out;
  });
}

Result<void> BureauLink::AddReason(const BureauReason& reason) {
  return s_.Write([&]() -> Result<void> {
    if (reason.message.empty()) {
      return Refusal(ErrorCode::kInvalidArgument, "message", "bureau.reason",
                     "a bureau reason says why", "管局退回原因不能为空");
    }
    if (Result<void> fk = ForeignKey(s_.state().applications, reason.application, "application");
        !fk) {
      return fk;
    }
    s_.state().bureau_reasons.push_back(reason);
    return {};
  });
}

Result<std::optional<SubjectId>> BureauLink::SubjectByBureauId(std::int64_t isp_id,
                                                               std::int64_t bureau_subject_id) {
  return s_.Read([&]() -> Result<std::optional<SubjectId>> {
    for (const auto& [subject, row] : s_.state().bureau_subject_ids) {
      if (row.isp_id == isp_id && row.ids.subject_id == bureau_subject_id) {
        return SubjectId(subject);
      }
    }
    return std::nullopt;
  });
}

Result<bool> BureauLink::Lease(std::int64_t isp_id, std::string_view holder,
                               std::chrono::sys_seconds now, std::chrono::sys_seconds until) {
  return s_.Write([&]() -> Result<bool> {
    if (holder.empty() || until <= now) {
      return InvalidArgument("a bureau lease needs its holder and an end after now");
    }
    auto [it, created] = s_.state().bureau_links.try_emplace(isp_id);
    BureauLinkState& st = it->second.state;
    if (created) st.isp_id = isp_id;
    if (st.holder && *st.holder != holder && st.lease_until && *st.lease_until > now) return false;
    st.holder = std::string(holder);
    st.lease_until = until;
    return true;
  });
}

Result<void> BureauLink::Release(std::int64_t isp_id, std::string_view holder) {
  return s_.Write([&]() -> Result<void> {
    Result<BureauLinkRow*> row = Held(isp_id, holder);
    if (!row) return std::unexpected(row.error());
    (*row)->state.holder.reset();
    (*row)->state.lease_until.reset();
    return {};
  });
}

Result<std::int64_t> BureauLink::NextRecordKey(std::int64_t isp_id, std::string_view holder) {
  return s_.Write([&]() -> Result<std::int64_t> {
    Result<BureauLinkRow*> row = Held(isp_id, holder);
    if (!row) return std::unexpected(row.error());
    return ++(*row)->last_record_key;
  });
}

Result<void> BureauLink::Keep(const SentFile& file, std::string_view holder) {
  return s_.Write([&]() -> Result<void> {
    Result<BureauLinkRow*> row = Held(file.isp_id, holder);
    if (!row) return std::unexpected(row.error());
    if (Result<void> ok = Require(file.state == SentFileState::kKept && !file.file_name.empty() &&
                                      !file.beian_info.empty(),
                                  "bureau_files_kept_whole");
        !ok) {
      return ok;
    }
    std::vector<SentFile>& files = s_.state().bureau_files;
    if (std::ranges::any_of(files, [&](const SentFile& f) {
          return f.isp_id == file.isp_id && f.file_name == file.file_name;
        })) {
      return BureauFileNameTaken(file.file_name);
    }
    const std::int32_t next = (*row)->state.last_accepted + 1;
    if (file.sequence != next) {
      return BureauSequenceRefused("the next file is " + std::to_string(next) + ", not " +
                                   std::to_string(file.sequence));
    }
    if (std::ranges::any_of(files, [&](const SentFile& f) {
          return f.isp_id == file.isp_id && f.state == SentFileState::kKept;
        })) {
      return BureauSequenceRefused("a kept file waits for the bureau");
    }
    files.push_back(file);
    files.back().finished_at.reset();
    return {};
  });
}

Result<void> BureauLink::Accept(std::int64_t isp_id, std::int32_t sequence,
                                std::chrono::sys_seconds at, std::string_view holder) {
  return s_.Write([&]() -> Result<void> {
    Result<BureauLinkRow*> row = Held(isp_id, holder);
    if (!row) return std::unexpected(row.error());
    Result<SentFile*> file = KeptFile(isp_id, sequence);
    if (!file) return std::unexpected(file.error());
    if (sequence != (*row)->state.last_accepted + 1) {
      return BureauSequenceRefused("only " + std::to_string((*row)->state.last_accepted + 1) +
                                   " can be accepted next");
    }
    (*file)->state = SentFileState::kAccepted;
    (*file)->finished_at = at;
    (*row)->state.last_accepted = sequence;
    return {};
  });
}

Result<void> BureauLink::Refuse(std::int64_t isp_id, std::int32_t sequence,
                                std::chrono::sys_seconds at, std::string_view holder) {
  return s_.Write([&]() -> Result<void> {
    Result<BureauLinkRow*> row = Held(isp_id, holder);
    if (!row) return std::unexpected(row.error());
    Result<SentFile*> file = KeptFile(isp_id, sequence);
    if (!file) return std::unexpected(file.error());
    (*file)->state = SentFileState::kRefused;
    (*file)->finished_at = at;
    return {};
  });
}

Result<bool> BureauLink::RecordDownload(const ProcessedDownload& download) {
  return s_.Write([&]() -> Result<bool> {
    if (Result<void> ok = Require(!download.file_name.empty(), "bureau_downloads_named"); !ok) {
      return std::unexpected(ok.error());
    }
    return s_.state()
        .bureau_downloads.try_emplace({download.isp_id, download.file_name}, download)
        .second;
  });
}

Result<bool> BureauLink::Park(const ParkedDownload& download) {
  return s_.Write([&]() -> Result<bool> {
    if (download.file_name.empty() || download.reason.empty() || download.replayed_at) {
      return Refusal(ErrorCode::kInvalidArgument, "", "bureau.parked",
                     "a parked file has a name and a reason, and is not replayed yet",
                     "暂存文件须有文件名和原因，且尚未重新处理");
    }
    for (const ParkedDownload& p : s_.state().bureau_parked) {
      if (p.isp_id == download.isp_id && p.file_name == download.file_name) return false;
    }
    s_.state().bureau_parked.push_back(download);
    return true;
  });
}

Result<void> BureauLink::MarkReplayed(std::int64_t isp_id, std::string_view file_name,
                                      std::chrono::sys_seconds at) {
  return s_.Write([&]() -> Result<void> {
    for (ParkedDownload& p : s_.state().bureau_parked) {
      if (p.isp_id != isp_id || p.file_name != file_name) continue;
      if (p.replayed_at) return BureauParkedReplayed(file_name);
      if (!s_.state().bureau_downloads.contains({isp_id, std::string(file_name)})) {
        return BureauParkedUnprocessed(file_name);
      }
      p.replayed_at = at;
      return {};
    }
    return BureauParkedNotFound(isp_id, file_name);
  });
}

Result<void> BureauLink::SetSubjectIds(SubjectId subject, std::int64_t isp_id,
                                       const BureauIds& ids) {
  return s_.Write([&]() -> Result<void> {
    if (Result<void> fk = ForeignKey(s_.state().subjects, subject, "subject"); !fk) return fk;
    for (const auto& [other, row] : s_.state().bureau_subject_ids) {
      if (other != subject.value() && ids.subject_id && row.isp_id == isp_id &&
          row.ids.subject_id == ids.subject_id) {
        return BureauSubjectIdTaken(*ids.subject_id);
      }
    }
    s_.state().bureau_subject_ids[subject.value()] = {isp_id, ids};
    return {};
  });
}

}  // namespace icp::memory

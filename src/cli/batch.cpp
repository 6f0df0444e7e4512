// The batch pipeline:
//
//   producer (main thread): expands inputs in order into numbered slots, blocking while
//                           k_in_flight_per_job * jobs slots are open (bounded memory)
//   workers (N threads):    take the next slot, read only the header block (or split an
//                           mbox), analyse, render each message into the slot
//   writer (one thread):    drains slots strictly in number order, so output order is input
//                           order whatever -j is; each write() holds whole records only
//
// SIGINT/SIGTERM: the producer stops, workers drop slots they have not started, the writer
// finishes what is done, the summary is printed, exit 130. EPIPE on stdout: the same, quietly.

#include "cli/batch.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "cli/csv_output.hpp"
#include "cli/record_output.hpp"
#include "cli/summary.hpp"
#include "hopscope/dsn.hpp"
#include "hopscope/mbox.hpp"

namespace hopscope::cli {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int) { g_interrupted.store(true); }

constexpr std::size_t k_in_flight_per_job = 16;
constexpr std::size_t k_max_records_per_slot = 256;  // an mbox worker waits beyond this
constexpr std::size_t k_write_batch = 64u << 10;
// Waking a thread and a write() cost more than analysing a small message: the writer is woken
// once this many records are ready (or when nothing else is left to do, or every 250 ms), the
// producer once the in-flight slots are down to half. There are always at least four batches
// in flight, so the workers never wait for the writer to catch up.
constexpr std::size_t k_wake_batch = 64;
constexpr std::size_t k_min_in_flight = 4 * k_wake_batch;
// The most of a possible bounce that is read for its body (the delivery-status part, the
// returned message).
constexpr std::size_t k_bounce_cap = 16u << 20;

struct record {
  std::string text;  // rendered, ready to write
  message_stats stats;
};

struct slot {
  input_entry entry;
  std::deque<record> records;
  bool done = false;
};

class pipeline {
 public:
  pipeline(const batch_config& config) : config_(config) {}

  int run(const std::vector<std::string>& inputs);

 private:
  void worker();
  void writer();
  void process(slot& s, const input_entry& entry);
  void push(slot& s, record r);
  record render_message(std::string_view bytes, const std::string& source,
                        std::optional<std::size_t> mbox_index, open_source* more = nullptr,
                        std::optional<normalised_input> normalised = std::nullopt);
  record render_failure(const std::string& source, const source_error& e);
  bool stopping() const { return g_interrupted.load() || output_closed_.load(); }
  bool batch_ready() const;  // with mutex_ held
  bool writer_should_wake() const { return writer_waiting_ && batch_ready(); }
  bool flush(std::string& buf);
  bool flush(record_output& out);
  void progress_line(bool final);

  const batch_config& config_;
  std::mutex mutex_;
  std::condition_variable work_cv_;         // workers: a slot is waiting
  std::condition_variable space_cv_;        // producer: in-flight fell / mbox workers: slot drained
  std::condition_variable output_cv_;       // writer: a record or a done flag arrived
  std::deque<std::unique_ptr<slot>> open_;  // in input order; front is the writer's
  std::size_t next_work_ = 0;               // index into open_ of the next slot to hand out
  std::size_t max_open_ = 0;                // in-flight slots
  bool producer_done_ = false;
  bool producer_waiting_ = false;    // on space_cv_ for a free slot
  std::size_t pushers_waiting_ = 0;  // mbox workers on space_cv_ for the writer to drain
  bool writer_waiting_ = false;
  std::atomic<bool> output_closed_{false};
  batch_summary summary_;
  std::uint64_t enumerated_ = 0, written_messages_ = 0;
  bool any_failed_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_progress_{};
  std::string json_buffer_;  // --json: all records, wrapped at the end
  std::size_t json_records_ = 0;
};

// `more`: the open file, when only its header block has been read so far. A bounce needs its
// body (the delivery-status part, the returned message): it is read then, up to a cap, and
// only for messages whose header says they may be one. `normalised`: the header block of
// `bytes` as the reader already normalised it, if it did.
record pipeline::render_message(std::string_view bytes, const std::string& source,
                                std::optional<std::size_t> mbox_index, open_source* more,
                                std::optional<normalised_input> normalised) {
  const std::string label =
      mbox_index ? source + ":" + std::to_string(*mbox_index) : source;  // unique per message
  analyse_options options = config_.analyse;
  options.whole_message = more == nullptr;
  analysis_report report = normalised && more != nullptr
                               ? analyse_normalised(std::move(*normalised), source, options)
                               : analyse_message(bytes, source, options);
  if (report.needs_whole_message && more != nullptr) {
    // One buffer per worker, kept between bounces: a fresh one of a whole message each time
    // faulted its pages in anew. Past 1 MiB it is let go, so a worker keeps little.
    thread_local std::string whole;
    whole.assign(bytes);
    while (whole.size() < k_bounce_cap) {
      auto got =
          more->read_some(whole, std::min<std::size_t>(256u << 10, k_bounce_cap - whole.size()));
      if (!got || *got == 0) break;
    }
    analyse_bounce(report, whole, options);
    if (whole.capacity() > (1u << 20)) std::string().swap(whole);
  }
  report.mbox_index = mbox_index;
  if (report.field_count == 0) {
    return render_failure(
        label, source_error{"no_header_fields",
                            label + ": no header fields found: this is not a mail message"});
  }
  record r;
  r.stats = stats_of(report);
  if (config_.summary_only) return r;
  hop_annotations extra;
  if (config_.annotate && config_.format != output_format::csv_hops) {
    extra = config_.annotate(report);
  }
  switch (config_.format) {
    case output_format::text:
      if (mbox_index) report.source = label;
      if (extra.text.empty()) {
        r.text = render_text(report, config_.render);
      } else {
        render_options with_notes = config_.render;
        with_notes.hop_notes = std::move(extra.text);
        r.text = render_text(report, with_notes);
      }
      break;
    case output_format::json:
    case output_format::ndjson: {
      if (extra.json.empty() && !config_.pretty) {
        r.text = render_json_line(report);
        break;
      }
      r.text = render_json(report, config_.pretty);
      if (!extra.json.empty()) r.text = merge_hop_json(r.text, "probe", extra.json, config_.pretty);
      r.text += '\n';
      break;
    }
    case output_format::csv_hops:
      r.text = csv_rows(report, mbox_index);
      break;
  }
  return r;
}

record pipeline::render_failure(const std::string& source, const source_error& e) {
  record r;
  r.stats = stats_of_failure(e.code);
  if (config_.summary_only) return r;
  switch (config_.format) {
    case output_format::text:
      r.text = "hopscope: " + escape_for_terminal(e.message) + "\n";
      break;
    case output_format::json:
    case output_format::ndjson:
      r.text = render_json_error(source, e.code, e.message) + "\n";
      break;
    case output_format::csv_hops:
      r.text = csv_error_row(source, e.code);
      break;
  }
  return r;
}

// Whether the writer has a batch worth a wake-up and a write(): waking a thread and writing
// cost more than analysing a small message, so records are written k_wake_batch at a time
// unless nothing else is coming soon.
bool pipeline::batch_ready() const {
  if (open_.empty()) return producer_done_;
  const slot& head = *open_.front();
  if (head.records.size() >= k_wake_batch) return true;  // an mbox streaming records
  if (!head.done) return false;
  // Nothing left to hand out (the workers go idle): write what is ready now. (A blocked
  // producer needs no more: k_wake_batch is below half the in-flight slots.)
  if (next_work_ >= open_.size() || stopping()) return true;
  std::size_t ready = 0;
  for (const auto& s : open_) {
    if (!s->done || ++ready >= k_wake_batch) break;
  }
  return ready >= k_wake_batch;
}

void pipeline::push(slot& s, record r) {
  std::unique_lock lock(mutex_);
  // An mbox can hold a million messages: wait for the writer rather than buffer them all.
  if (s.records.size() >= k_max_records_per_slot && !stopping()) {
    ++pushers_waiting_;
    if (writer_waiting_) output_cv_.notify_one();
    space_cv_.wait(lock, [&] { return s.records.size() < k_max_records_per_slot || stopping(); });
    --pushers_waiting_;
  }
  s.records.push_back(std::move(r));
  if (writer_should_wake()) output_cv_.notify_one();
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

void pipeline::process(slot& s, const input_entry& entry) {
  if (entry.error) {
    push(s, render_failure(entry.path, *entry.error));
    return;
  }
  auto source = open_input(entry.path, config_.read);
  if (!source && entry.listed && source.error().code == "is_a_directory") {
    // A directory in a --files-from list: walked here, its messages in this slot and in
    // order. (Lists name files almost always; a directory given as an argument is walked by
    // the producer and spread over the workers.)
    expand_inputs({entry.path}, config_.walk, [&](input_entry inner) {
      if (stopping()) return false;
      process(s, inner);
      return true;
    });
    return;
  }
  if (!source) {
    push(s, render_failure(entry.path, source.error()));
    return;
  }
  // This worker's read buffer (see read_buffer): nothing below calls process() again.
  thread_local read_buffer buf;
  buf.clear();
  auto first = source->read_some(buf, 16384);
  if (!first) {
    push(s, render_failure(entry.path, first.error()));
    return;
  }
  if (buf.empty()) {
    push(s, render_failure(entry.path, source_error{"empty_input", entry.path + ": empty input"}));
    return;
  }
  // An mbox: starts with a "From " line, is not a Maildir message and not named .eml. (A
  // single message with an mbox line is read whole then; it still gives one record.)
  const bool mbox =
      looks_like_mbox(buf.view()) && !entry.single_message && !ends_with(entry.path, ".eml");
  if (mbox) {
    bool any = false;
    mbox_splitter splitter(
        [&](std::size_t index, std::string header) {
          any = true;
          if (!stopping()) push(s, render_message(header, entry.path, index));
        },
        config_.read.max_header_bytes);
    // A possible bounce needs its body, as for a single file; other messages keep only
    // their header block.
    splitter.keep_bodies_when(
        [this](std::string_view header) {
          normalised_input in = normalise_input(header, config_.analyse.input);
          return may_be_bounce(split_header_block(std::move(in.header), config_.analyse.header));
        },
        k_bounce_cap);
    splitter.feed(buf.view());
    while (!stopping()) {
      buf.clear();
      auto got = source->read_some(buf, 256u << 10);
      if (!got) {
        push(s, render_failure(entry.path, got.error()));
        return;
      }
      if (*got == 0) break;
      splitter.feed(buf.view());
    }
    splitter.finish();
    if (!any)
      push(s, render_failure(entry.path,
                             source_error{"no_header_fields", entry.path + ": empty mbox"}));
    return;
  }
  std::optional<normalised_input> normalised;
  if (auto done = source->read_header(buf, config_.read, &normalised, config_.analyse.input);
      !done) {
    push(s, render_failure(entry.path, done.error()));
    return;
  }
  push(s, render_message(buf.view(), entry.path, std::nullopt, &*source, std::move(normalised)));
}

void pipeline::worker() {
  for (;;) {
    slot* s = nullptr;
    {
      std::unique_lock lock(mutex_);
      work_cv_.wait(lock, [&] { return next_work_ < open_.size() || producer_done_; });
      if (next_work_ >= open_.size()) return;
      s = open_[next_work_++].get();
    }
    // Interrupted: drop slots not yet started, whole.
    if (!stopping()) process(*s, s->entry);
    std::lock_guard lock(mutex_);
    s->done = true;
    if (writer_should_wake()) output_cv_.notify_one();
  }
}

bool pipeline::flush(record_output& out) {
  if (out.flush()) return true;
  output_closed_.store(true);  // EPIPE (| head) or a full disk: stop quietly
  space_cv_.notify_all();
  return false;
}

bool pipeline::flush(std::string& buf) {
  std::size_t done = 0;
  while (done < buf.size()) {
    const ssize_t n = ::write(STDOUT_FILENO, buf.data() + done, buf.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      output_closed_.store(true);  // EPIPE (| head) or a full disk: stop quietly
      space_cv_.notify_all();
      buf.clear();
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  buf.clear();
  return true;
}

void pipeline::progress_line(bool final) {
  if (!config_.progress) return;
  const auto now = std::chrono::steady_clock::now();
  if (!final && now - last_progress_ < std::chrono::milliseconds(250)) return;
  last_progress_ = now;
  const double secs = std::chrono::duration<double>(now - start_).count();
  const double rate = secs > 0 ? static_cast<double>(written_messages_) / secs : 0;
  std::string eta;
  if (producer_done_ && rate > 0 && enumerated_ > written_messages_) {
    eta = fmt::format(", ETA {:.0f}s", static_cast<double>(enumerated_ - written_messages_) / rate);
  }
  std::fprintf(stderr, "\r\x1b[K%llu/%llu%s inputs, %.0f messages/s%s%s",
               static_cast<unsigned long long>(written_messages_),
               static_cast<unsigned long long>(enumerated_), producer_done_ ? "" : "+", rate,
               eta.c_str(), final ? "\n" : "");
}

void pipeline::writer() {
  record_output out(STDOUT_FILENO);
  bool first_text = true;
  for (;;) {
    std::unique_lock lock(mutex_);
    writer_waiting_ = true;
    output_cv_.wait_for(lock, std::chrono::milliseconds(250), [&] { return batch_ready(); });
    writer_waiting_ = false;
    if (open_.empty()) {
      if (producer_done_) break;
      progress_line(false);
      continue;
    }
    // Every record ready in order: the finished slots at the front, and what the first
    // unfinished one (an mbox) has so far.
    std::deque<record> ready;
    while (!open_.empty()) {
      slot& head = *open_.front();
      const bool head_done = head.done;
      if (ready.empty()) {
        ready.swap(head.records);
      } else {
        for (auto& r : head.records) ready.push_back(std::move(r));
        head.records.clear();
      }
      if (!head_done) break;
      open_.pop_front();
      --next_work_;
    }
    if (stopping() || pushers_waiting_ > 0 ||
        (producer_waiting_ && open_.size() <= max_open_ / 2)) {
      space_cv_.notify_all();
    }
    lock.unlock();

    for (auto& r : ready) {
      ++written_messages_;
      any_failed_ |= r.stats.failed;
      summary_.add(r.stats);
      if (config_.summary_only || output_closed_.load()) continue;
      if (config_.format == output_format::json) {
        if (json_records_++ > 0) json_buffer_ += ",\n";
        while (!r.text.empty() && r.text.back() == '\n') r.text.pop_back();
        json_buffer_ += r.text;
        continue;
      }
      if (config_.format == output_format::text && !r.stats.failed) {
        if (!first_text) out.add("\n");
        first_text = false;
      }
      if (config_.format == output_format::text && r.stats.failed) {
        // Per-input errors go to stderr in the text report; the report stays clean.
        std::fputs(r.text.c_str(), stderr);
        continue;
      }
      out.add(std::move(r.text));
      if (out.queued_bytes() >= k_write_batch) flush(out);
    }
    // Nothing more ready right now: write what we have so a slow run shows progress and a
    // killed run leaves whole records.
    lock.lock();
    const bool more_ready = !open_.empty() && !open_.front()->records.empty();
    lock.unlock();
    if (!more_ready && !out.empty()) flush(out);
    progress_line(false);
  }
  if (!out.empty()) flush(out);
}

int pipeline::run(const std::vector<std::string>& inputs) {
  const unsigned jobs = std::max(1u, config_.jobs);
  std::vector<std::thread> workers;
  for (unsigned i = 0; i < jobs; ++i) workers.emplace_back([this] { worker(); });
  std::thread writer_thread([this] { writer(); });

  max_open_ = std::max(k_min_in_flight, k_in_flight_per_job * jobs + 8);
  expand_inputs(
      inputs, config_.walk,
      [&](input_entry entry) {
        std::unique_lock lock(mutex_);
        if (open_.size() >= max_open_ && !stopping()) {
          producer_waiting_ = true;
          if (writer_should_wake()) output_cv_.notify_one();
          space_cv_.wait(lock, [&] { return open_.size() < max_open_ || stopping(); });
          producer_waiting_ = false;
        }
        if (stopping()) return false;
        auto s = std::make_unique<slot>();
        s->entry = std::move(entry);
        open_.push_back(std::move(s));
        ++enumerated_;
        work_cv_.notify_one();
        return true;
      },
      config_.first_listed);
  {
    std::lock_guard lock(mutex_);
    producer_done_ = true;
  }
  work_cv_.notify_all();
  output_cv_.notify_all();
  for (auto& w : workers) w.join();
  {
    std::lock_guard lock(mutex_);
    output_cv_.notify_all();
  }
  writer_thread.join();
  progress_line(true);

  std::string tail;
  if (config_.format == output_format::json && !config_.summary_only) {
    tail = json_records_ == 1 ? json_buffer_ + "\n" : "[" + json_buffer_ + "]\n";
  }
  if (config_.summary_only) {
    tail += config_.format == output_format::text ? summary_.text() : summary_.json() + "\n";
  }
  if (!tail.empty() && !output_closed_.load()) flush(tail);

  if (g_interrupted.load()) {
    if (!config_.summary_only) std::fputs(summary_.text().c_str(), stderr);
    return k_exit_interrupted;
  }
  return any_failed_ ? k_exit_some_failed : k_exit_ok;
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a closed pipe is an EPIPE write error, handled quietly
}

int run_batch(const std::vector<std::string>& inputs, const batch_config& config) {
  pipeline p(config);
  return p.run(inputs);
}

}  // namespace hopscope::cli

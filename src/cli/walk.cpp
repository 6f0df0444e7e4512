#include "cli/walk.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

namespace hopscope::cli {
namespace {

struct dir_id {
  dev_t dev;
  ino_t ino;
  friend auto operator<=>(const dir_id&, const dir_id&) = default;
};

std::string join(const std::string& dir, const std::string& name) {
  if (!dir.empty() && dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

// One directory entry: its name, and whether readdir() already says it is a regular file
// (d_type; DT_UNKNOWN on some file systems, which then costs an lstat()).
struct dir_entry {
  std::string name;
  bool regular = false;
  bool operator<(const dir_entry& other) const { return name < other.name; }
};

// A directory's entries (without . and ..), sorted by name.
tl::expected<std::vector<dir_entry>, source_error> list_dir(const std::string& path) {
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) {
    const int err = errno;
    return tl::unexpected(errno_error(err, path));
  }
  std::vector<dir_entry> entries;
  while (const dirent* e = ::readdir(dir)) {
    const std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    entries.push_back(dir_entry{std::string(name), e->d_type == DT_REG});
  }
  ::closedir(dir);
  std::sort(entries.begin(), entries.end());
  return entries;
}

bool is_maildir(const std::string& path) {
  struct stat st {};
  return ::stat(join(path, "cur").c_str(), &st) == 0 && S_ISDIR(st.st_mode) &&
         ::stat(join(path, "new").c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// One directory level to visit: its path, and whether it is a Maildir's cur/ or new/.
struct pending {
  std::string path;
  bool maildir_messages = false;
};

// Walks a directory depth-first with an explicit stack, entries in sorted order.
bool walk_directory(const std::string& root, const walk_options& options,
                    const std::function<bool(input_entry)>& emit) {
  std::set<dir_id> visited;  // loop detection when following symlinks
  struct stat root_st {};
  if (::stat(root.c_str(), &root_st) == 0) visited.insert({root_st.st_dev, root_st.st_ino});
  // Each frame holds the remaining entries of one directory, in reverse sorted order.
  struct frame {
    std::string dir;
    std::vector<dir_entry> names;  // reversed, so pop_back() yields sorted order
    bool maildir_messages = false;
    bool maildir_root = false;
  };
  std::vector<frame> stack;
  auto push_dir = [&](const pending& p) -> bool {
    auto names = list_dir(p.path);
    if (!names) return emit(input_entry{p.path, names.error(), false});
    frame f{p.path, std::move(*names), p.maildir_messages, is_maildir(p.path)};
    std::reverse(f.names.begin(), f.names.end());
    stack.push_back(std::move(f));
    return true;
  };
  if (!push_dir({root, false})) return false;
  while (!stack.empty()) {
    frame& top = stack.back();
    if (top.names.empty()) {
      stack.pop_back();
      continue;
    }
    const dir_entry entry = std::move(top.names.back());
    top.names.pop_back();
    const std::string& name = entry.name;
    // A Maildir's tmp/ holds messages still being delivered: never read them.
    if (top.maildir_root && name == "tmp") continue;
    const bool in_maildir = top.maildir_messages;
    const bool child_is_messages = top.maildir_root && (name == "cur" || name == "new");
    const std::string path = join(top.dir, name);
    // A regular file needs no lstat(): the reader's fstat() checks it again after opening.
    if (entry.regular) {
      if (!emit(input_entry{path, std::nullopt, in_maildir})) return false;
      continue;
    }
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
      const int err = errno;  // vanished between readdir and lstat
      if (!emit(input_entry{path, errno_error(err, path), false})) return false;
      continue;
    }
    if (S_ISLNK(st.st_mode)) {
      if (!options.follow_symlinks) {
        if (!emit(input_entry{path,
                              source_error{"symlink_skipped",
                                           path + ": symbolic link not followed (use --follow)"},
                              false}))
          return false;
        continue;
      }
      if (::stat(path.c_str(), &st) != 0) {
        const int err = errno;
        if (!emit(input_entry{path, errno_error(err, path), false})) return false;
        continue;
      }
    }
    if (S_ISDIR(st.st_mode)) {
      if (!visited.insert({st.st_dev, st.st_ino}).second) {
        if (!emit(input_entry{
                path, source_error{"symlink_loop", path + ": directory already visited (a loop)"},
                false}))
          return false;
        continue;
      }
      if (!push_dir({path, child_is_messages})) return false;
      continue;
    }
    if (!S_ISREG(st.st_mode)) {
      // Known from the directory walk already: never open a FIFO, socket or device.
      if (!emit(input_entry{path,
                            source_error{"not_a_regular_file",
                                         path + ": not a regular file (FIFO, socket or device)"},
                            false}))
        return false;
      continue;
    }
    if (!emit(input_entry{path, std::nullopt, in_maildir})) return false;
  }
  return true;
}

}  // namespace

void expand_inputs(const std::vector<std::string>& inputs, const walk_options& options,
                   const std::function<bool(input_entry)>& emit, std::size_t first_listed) {
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::string& input = inputs[i];
    if (i >= first_listed) {
      input_entry entry{input, std::nullopt, false};
      entry.listed = true;
      if (!emit(std::move(entry))) return;
      continue;
    }
    struct stat st {};
    if (input != "-" && ::stat(input.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      if (!walk_directory(input, options, emit)) return;
      continue;
    }
    // Files, "-", and paths that fail to open: the reader reports those per item.
    if (!emit(input_entry{input, std::nullopt, false})) return;
  }
}

tl::expected<std::vector<std::string>, source_error> read_path_list(const std::string& list_path,
                                                                    bool nul_separated) {
  // Read in large blocks, not through a stream buffer a character at a time: the list is read
  // before any work starts, and 50,000 paths took tens of milliseconds that way.
  std::string text;
  const int fd = list_path == "-" ? STDIN_FILENO : ::open(list_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return tl::unexpected(source_error{"not_found", list_path + ": cannot open the list"});
  constexpr std::size_t k_block = 1u << 20;
  // A file's size is known: room for all of it (and the read that finds its end) up front, so
  // the blocks are not copied each time the string grows.
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    text.reserve(static_cast<std::size_t>(st.st_size) + k_block);
  }
  for (;;) {
    const std::size_t had = text.size();
    text.resize(had + k_block);
    const ssize_t got = ::read(fd, text.data() + had, k_block);
    if (got < 0 && errno == EINTR) {
      text.resize(had);
      continue;
    }
    if (got < 0) {
      const int err = errno;
      if (fd != STDIN_FILENO) ::close(fd);
      return tl::unexpected(errno_error(err, list_path));
    }
    text.resize(had + static_cast<std::size_t>(got));
    if (got == 0) break;
  }
  if (fd != STDIN_FILENO) ::close(fd);
  std::vector<std::string> paths;
  const char sep = nul_separated ? '\0' : '\n';
  std::string_view rest(text);
  while (!rest.empty()) {
    const std::size_t end = std::min(rest.find(sep), rest.size());
    std::string_view item = rest.substr(0, end);
    if (!nul_separated && !item.empty() && item.back() == '\r') item.remove_suffix(1);
    if (!item.empty()) paths.emplace_back(item);
    rest.remove_prefix(std::min(end + 1, rest.size()));
  }
  return paths;
}

}  // namespace hopscope::cli

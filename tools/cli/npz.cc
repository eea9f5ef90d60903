#include "npz.h"

#include <zip.h>

#include <memory>

#include "cli_error.h"

namespace nncf_cli {

namespace {

struct ZipCloser {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::vector<std::pair<std::string, Array>> ReadNpzFile(const std::string& path) {
  int error = 0;
  std::unique_ptr<zip_t, ZipCloser> archive(zip_open(path.c_str(), ZIP_RDONLY, &error));
  if (!archive) {
    zip_error_t zip_error;
    zip_error_init_with_code(&zip_error, error);
    const std::string reason = zip_error_strerror(&zip_error);
    zip_error_fini(&zip_error);
    const int code = (error == ZIP_ER_NOENT || error == ZIP_ER_OPEN || error == ZIP_ER_READ)
                         ? kExitIo
                         : kExitInvalidInput;
    throw CliError(code, "cannot open '" + path + "' as .npz: " + reason);
  }
  std::vector<std::pair<std::string, Array>> arrays;
  const zip_int64_t count = zip_get_num_entries(archive.get(), 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(archive.get(), static_cast<zip_uint64_t>(i), 0, &stat) != 0 ||
        !(stat.valid & ZIP_STAT_NAME) || !(stat.valid & ZIP_STAT_SIZE)) {
      throw CliError(kExitInvalidInput, path + ": unreadable member " + std::to_string(i));
    }
    std::string name = stat.name;
    if (!EndsWith(name, ".npy")) {
      throw CliError(kExitInvalidInput, path + ": member '" + name + "' is not a .npy array");
    }
    const std::string origin = path + ":" + name;
    std::unique_ptr<zip_file_t, ZipFileCloser> file(
        zip_fopen_index(archive.get(), static_cast<zip_uint64_t>(i), 0));
    if (!file) throw CliError(kExitInvalidInput, origin + ": cannot open member");
    std::vector<uint8_t> bytes(stat.size);
    zip_uint64_t done = 0;
    while (done < stat.size) {
      const zip_int64_t got = zip_fread(file.get(), bytes.data() + done, stat.size - done);
      if (got <= 0) throw CliError(kExitInvalidInput, origin + ": truncated or corrupt member");
      done += static_cast<zip_uint64_t>(got);
    }
    name.resize(name.size() - 4);
    arrays.emplace_back(name, ParseNpy(bytes.data(), bytes.size(), origin));
  }
  return arrays;
}

}  // namespace nncf_cli

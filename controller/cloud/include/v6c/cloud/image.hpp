// Glance v2: create an image record, upload its bytes, show, list (following pages), delete.
// Extra properties (kernel_id, ramdisk_id, hw_*) are plain top-level attributes in v2.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "v6c/cloud/cleanup.hpp"
#include "v6c/cloud/http.hpp"

namespace v6c::cloud {

using nlohmann::json;

// Images among `images` with this name and, when given, this MD5 checksum (Glance's
// "checksum"; lists cannot be filtered by it server-side).
std::vector<json> images_matching(const std::vector<json>& images, const std::string& name,
                                  const std::string& checksum = {});

class ImagesClient {
 public:
  ImagesClient(Session& session, CleanupStack* cleanup = nullptr) : session_(session), cleanup_(cleanup) {}
  json create_image(const json& attributes);  // name, disk_format, container_format, properties
  void upload_image(const std::string& id, std::string data);  // PUT /v2/images/{id}/file
  json show_image(const std::string& id);
  void delete_image(const std::string& id);
  std::vector<json> list_images(const Query& filters = {});
  std::vector<json> find_images(const std::string& name, const std::string& checksum = {});

 private:
  std::string url(const std::string& rest = {});
  Session& session_;
  CleanupStack* cleanup_;
};

}  // namespace v6c::cloud

#include "v6c/cloud/image.hpp"

#include "v6c/cloud/adopt.hpp"
#include "v6c/cloud/errors.hpp"
#include "v6c/cloud/neutron.hpp"
#include "v6c/cloud/session.hpp"

namespace v6c::cloud {
namespace {

const std::string kGlanceVersion = "v2";

// Glance's "next" is a path from the service root ("/v2/images?marker=…"), not from /v2.
std::string image_root(Session& s) {
  auto base = with_version(s.endpoint("image"), kGlanceVersion);
  return base.substr(0, base.size() - kGlanceVersion.size() - 1);
}

std::string image_url(Session& s, const std::string& rest) {
  return join_url(join_url(image_root(s), kGlanceVersion + "/images"), rest);
}

}  // namespace

std::vector<json> images_matching(const std::vector<json>& images, const std::string& name, const std::string& checksum) {
  std::vector<json> found;
  for (const auto& image : images) {
    if (image.value("name", "") != name) continue;
    const auto sum = image.contains("checksum") && image["checksum"].is_string() ? image["checksum"].get<std::string>() : "";
    if (checksum.empty() || sum == checksum) found.push_back(image);
  }
  return found;
}

std::string ImagesClient::url(const std::string& rest) { return image_url(session_, rest); }

json ImagesClient::create_image(const json& attributes) {
  const auto request = json_request(Method::post, url(), &attributes);
  const auto name = attributes.value("name", "");
  // Only an image still waiting for its data can be the one a lost create made.
  auto queued = [&] {
    std::vector<json> found;
    for (const auto& i : name.empty() ? std::vector<json>{} : find_images(name))
      if (i.value("status", "") == "queued") found.push_back(i);
    return found;
  };
  const auto made = create_or_adopt(session_, request, {[&] { return session_.call_json(request); }, queued});
  for (const auto& image : made) {
    const auto id = image.value("id", "");
    if (id.empty()) throw BadResponse("POST " + url() + ": the answer has no image id");
    if (cleanup_)
      cleanup_->push(ResourceKind::image, id, image.value("name", ""),
                     [&s = session_, id] { s.call(make_request(Method::del, image_url(s, id))); });
  }
  return made.front();
}

void ImagesClient::upload_image(const std::string& id, std::string data) {
  auto request = make_request(Method::put, url(id + "/file"), {{"Content-Type", "application/octet-stream"}}, std::move(data));
  request.idempotent = false;  // Glance refuses a second upload (409): look whether the first arrived
  auto arrived = [&] {
    auto image = show_image(id);
    return image.value("status", "") == "queued" ? std::vector<json>{} : std::vector<json>{image};
  };
  create_or_adopt(session_, request, {[&] {
                                        session_.call(request);
                                        return json::object();
                                      },
                                      arrived});
}

json ImagesClient::show_image(const std::string& id) { return session_.call_json(Method::get, url(id)); }

void ImagesClient::delete_image(const std::string& id) {
  session_.call(make_request(Method::del, url(id)));
  if (cleanup_) cleanup_->forget(ResourceKind::image, id);
}

std::vector<json> ImagesClient::list_images(const Query& filters) {
  std::vector<json> all;
  std::optional<std::string> page = with_query(url(), filters);
  while (page) {
    const auto answer = session_.call_json(Method::get, *page);
    for (const auto& image : unwrap(answer, "images")) all.push_back(image);
    page = next_link(answer, "images");
    if (page) page = join_url(image_root(session_), *page);
  }
  return all;
}

std::vector<json> ImagesClient::find_images(const std::string& name, const std::string& checksum) {
  return images_matching(list_images({{"name", name}}), name, checksum);
}

}  // namespace v6c::cloud

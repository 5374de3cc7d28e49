#pragma once

#include <fstream>
#include <map>
#include <sstream>
#include <string>

// The vectors of testdata/vectors.txt (made by testdata/make_vectors.py), by key.
namespace icp::miit::testing {

inline std::map<std::string, std::string> LoadVectors() {
  std::ifstream in(std::string(ICP_SOURCE_DIR) + "/src/miit/testdata/vectors.txt");
  std::map<std::string, std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::size_t eq = line.find('=');
    std::string value = line.substr(eq + 1);
    for (std::size_t p = value.find("\\n"); p != std::string::npos; p = value.find("\\n", p)) {
      value.replace(p, 2, "\n");
    }
    out[line.substr(0, eq)] = value;
  }
  return out;
}

}  // namespace icp::miit::testing

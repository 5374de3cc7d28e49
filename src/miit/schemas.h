#pragma once

#include <memory>

#include "miit/xml.h"

namespace icp::miit {

// Our XSDs of the interface (schemas/*.xsd), compiled into the binary and compiled by libxml2
// once, on first use.
const XmlSchema& UploadSchema();    // schemas/upload.xsd: UploadData
const XmlSchema& DownloadSchema();  // schemas/download.xsd: DownloadData

}  // namespace icp::miit

#pragma once

#include <QString>

namespace likeness {

QString applicationVersion();
// "Qt 6.4.2, LibTorch 1.13.1, Faiss 1.7.3, OpenCV 4.6.0, SQLite 3.40.1", for About boxes.
QString libraryVersions();
// "CPU" or the name of the CUDA device training would use.
QString computeDeviceName();

} // namespace likeness

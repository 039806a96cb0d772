#pragma once

#include "jobs/jobcontrol.h"
#include "result.h"

#include <QString>

namespace likeness {

class Project;

// Where Debian's dataset-fashion-mnist package puts its files.
QString fashionMnistFolder();

struct DemoReport
{
    qint64 imagesWritten = 0;
    QString imageFolder;
    QString labelsCsv;
};

// Writes the first `limit` Fashion-MNIST training images as PNG files (one folder per
// class) and a labels CSV into PROJECT/demo-data/, then imports both through the normal
// import paths. The project must exist.
Result<DemoReport> createDemoData(Project &project, int limit, JobControl &control);

} // namespace likeness

#include "version.h"

#include <QStringList>
#include <QtGlobal>

#include <faiss/Index.h>
#include <opencv2/core/version.hpp>
#include <sqlite3.h>
#include <torch/cuda.h>
#include <torch/version.h>

namespace likeness {

QString applicationVersion()
{
    return QStringLiteral(LIKENESS_VERSION);
}

QString libraryVersions()
{
    return QStringList{
        QStringLiteral("Qt %1").arg(QString::fromLatin1(qVersion())),
        QStringLiteral("LibTorch %1").arg(QStringLiteral(TORCH_VERSION)),
        QStringLiteral("Faiss %1.%2.%3").arg(FAISS_VERSION_MAJOR).arg(FAISS_VERSION_MINOR)
            .arg(FAISS_VERSION_PATCH),
        QStringLiteral("OpenCV %1").arg(QStringLiteral(CV_VERSION)),
        QStringLiteral("SQLite %1").arg(QString::fromLatin1(sqlite3_libversion())),
    }.join(QStringLiteral(", "));
}

QString computeDeviceName()
{
    return torch::cuda::is_available()
               ? QStringLiteral("CUDA GPU (%1 device(s))").arg(torch::cuda::device_count())
               : QStringLiteral("CPU");
}

} // namespace likeness

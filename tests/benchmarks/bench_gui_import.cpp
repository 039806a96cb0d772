// GUI responsiveness during a large import: runs a real import through the window's JobBar
// (the same path as File → Import Folder) while a 10 ms timer on the GUI thread records how
// late each of its ticks comes, then builds what the window builds when the import ends (the
// gallery model's reload and the import report dialog) and times that on the GUI thread.
//
//   QT_QPA_PLATFORM=offscreen bench_gui_import [--files N] [--bad N] [--dir DIR]
//
// The folder holds N small generated PNGs (random colours, 24×24) and, among them, --bad
// broken files, so that the report dialog has rows to list.

#include "benchstats.h"
#include "io/importer.h"
#include "store/project.h"
#include "gallerymodel.h"
#include "importreportdialog.h"
#include "jobbar.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QRandomGenerator>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <QTimer>

#include <algorithm>

using namespace likeness;

namespace {

constexpr int TickMs = 10;

bool writeFolder(const QString &folder, int files, int bad)
{
    QRandomGenerator random(20261204);
    for (int i = 0; i < files; ++i) {
        const QString path = QDir(folder).filePath(
            QStringLiteral("%1/%2.png").arg(i / 1000, 3, 10, QLatin1Char('0')).arg(i));
        if (i % 1000 == 0 && !QDir().mkpath(QFileInfo(path).absolutePath())) {
            return false;
        }
        if (i < bad) {
            QFile file(path);
            if (!file.open(QIODevice::WriteOnly) || file.write("not a picture") < 0) {
                return false;
            }
            continue;
        }
        QImage image(24, 24, QImage::Format_RGB32);
        image.fill(QColor::fromRgb(random.generate()));
        image.setPixel(int(random.bounded(24)), int(random.bounded(24)), random.generate());
        if (!image.save(path)) {
            return false;
        }
    }
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("bench_gui_import"));
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Measures how responsive the GUI thread stays during a large import."));
    parser.addHelpOption();
    const QCommandLineOption filesOption(QStringLiteral("files"), QStringLiteral("Files."),
                                         QStringLiteral("N"), QStringLiteral("100000"));
    const QCommandLineOption badOption(QStringLiteral("bad"),
                                       QStringLiteral("Broken files among them."),
                                       QStringLiteral("N"), QStringLiteral("1000"));
    const QCommandLineOption dirOption(QStringLiteral("dir"),
                                       QStringLiteral("Work folder (default: temporary)."),
                                       QStringLiteral("DIR"));
    parser.addOptions({filesOption, badOption, dirOption});
    parser.process(app);
    const int files = parser.value(filesOption).toInt();
    const int bad = std::min(files, parser.value(badOption).toInt());

    const QString base =
        parser.isSet(dirOption) ? QDir(parser.value(dirOption)).absolutePath() : QDir::tempPath();
    QTemporaryDir temporary(base + QStringLiteral("/gui-XXXXXX"));
    QTextStream err(stderr);
    QTextStream out(stdout);
    const QString images = temporary.filePath(QStringLiteral("images"));
    err << "Writing " << files << " files..." << Qt::endl;
    if (files <= 0 || !writeFolder(images, files, bad)) {
        err << "bench_gui_import: cannot write the image folder" << Qt::endl;
        return 1;
    }
    auto project = Project::create(temporary.filePath(QStringLiteral("project")));
    if (!project) {
        err << project.error() << Qt::endl;
        return 1;
    }

    // The import, as the window runs it: on the thread pool, reporting to a JobBar.
    JobBar bar;
    bar.show();
    QVector<double> lateness;
    QElapsedTimer sinceTick;
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    ticker.setInterval(TickMs);
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        lateness.append(std::max(0.0, sinceTick.nsecsElapsed() / 1e6 - TickMs));
        sinceTick.start();
    });

    const QString folder = (*project)->folder();
    std::optional<Result<ImportReport>> finished;
    QElapsedTimer importTime;
    importTime.start();
    sinceTick.start();
    ticker.start();
    bar.start<ImportReport>(
        QStringLiteral("Importing"),
        [folder, images](JobControl &control) -> Result<ImportReport> {
            auto own = Project::open(folder);
            if (!own) {
                return Result<ImportReport>::failure(own.error());
            }
            return importImages(**own, {images}, control);
        },
        [&](Result<ImportReport> result) {
            finished = std::move(result);
            QCoreApplication::quit();
        });
    QApplication::exec();
    ticker.stop();
    const double importSeconds = importTime.nsecsElapsed() / 1e9;
    if (!finished || !*finished) {
        err << "bench_gui_import: the import failed: "
            << (finished ? finished->error() : QStringLiteral("no result")) << Qt::endl;
        return 1;
    }

    // What the window does on the GUI thread when the import has ended.
    QElapsedTimer step;
    step.start();
    GalleryModel model;
    model.setProject(project->get());
    const double reloadMs = step.nsecsElapsed() / 1e6;
    step.start();
    ImportReportDialog dialog(**finished);
    dialog.show();
    QCoreApplication::processEvents();
    const double dialogMs = step.nsecsElapsed() / 1e6;

    out << "GUI responsiveness during an import of " << files << " files (" << bad
        << " broken), " << QThread::idealThreadCount() << " cores\n\n";
    out << QStringLiteral("import: %1 s, %2 files/s; %3 images in the gallery, %4 rows in the "
                          "report\n")
               .arg(importSeconds, 0, 'f', 1)
               .arg(files / importSeconds, 0, 'f', 0)
               .arg(model.rowCount())
               .arg(dialog.fileModel()->rowCount());
    out << QStringLiteral("GUI thread, lateness of a %1 ms timer over %2 ticks: p50 %3 ms, "
                          "p99 %4 ms, max %5 ms (goal: p99 below 16 ms, one frame)\n")
               .arg(TickMs)
               .arg(lateness.size())
               .arg(bench::quantile(lateness, 0.5), 0, 'f', 1)
               .arg(bench::quantile(lateness, 0.99), 0, 'f', 1)
               .arg(bench::quantile(lateness, 1.0), 0, 'f', 1);
    out << QStringLiteral("after the import, on the GUI thread: gallery reload %1 ms, report "
                          "dialog %2 ms\n")
               .arg(reloadMs, 0, 'f', 1)
               .arg(dialogMs, 0, 'f', 1);
    return 0;
}

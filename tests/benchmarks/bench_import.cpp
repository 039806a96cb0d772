// Import benchmark: generates a folder of realistic 1920 × 1080 JPEGs and makes 128-pixel
// thumbnails of them in several ways, side by side on the same files and the same number of
// threads, then prints images per second (wall clock, per thread and per CPU-second) and the
// ratios to Likeness's import.
//
//   bench_import [--images N] [--threads T] [--rounds R] [--dir DIR] [--seed S]
//
// The ways, each run R times in turn (the median is reported):
//   plain decode, full size     cv::imdecode of every file, the floor an import without
//                               reduced decoding could reach
//   plain decode, 1/8 scale     cv::imdecode with IMREAD_REDUCED_COLOR_8: libjpeg's DCT scaling
//   vipsthumbnail               libvips (Debian libvips-tools) writing JPEG thumbnails of the
//                               same size and quality as Likeness's, T processes with one
//                               thread each (VIPS_CONCURRENCY=1), files split evenly
//   Likeness decoder            decodeImageFile() on T threads: read, hash, decode, thumbnail
//                               and model input, no store
//   Likeness import             importImages() into a new project: the above plus SQLite
//
// The pictures are smooth gradients and shapes (structure) with pixel noise on top, sized to
// about 0.5 MB at JPEG quality 90, like photographs of that size.

#include "benchstats.h"
#include "imaging/decoder.h"
#include "io/importer.h"
#include "store/project.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QPainter>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <atomic>
#include <random>

#include <sys/resource.h>

using namespace likeness;

namespace {

constexpr int Width = 1920;
constexpr int Height = 1080;

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QImage realisticPicture(quint32 seed)
{
    std::mt19937 random(seed);
    auto uniform = [&](int low, int high) {
        return std::uniform_int_distribution<int>(low, high)(random);
    };

    QImage image(Width, Height, QImage::Format_RGB32);
    QPainter painter(&image);
    QLinearGradient sky(0, 0, uniform(0, Width), Height);
    sky.setColorAt(0, QColor::fromHsv(uniform(0, 359), uniform(40, 200), uniform(120, 255)));
    sky.setColorAt(1, QColor::fromHsv(uniform(0, 359), uniform(40, 200), uniform(30, 200)));
    painter.fillRect(image.rect(), sky);
    painter.setRenderHint(QPainter::Antialiasing);
    for (int shape = 0; shape < 40; ++shape) {
        painter.setPen(QPen(QColor::fromHsv(uniform(0, 359), 200, 200), uniform(1, 6)));
        painter.setBrush(QColor::fromHsv(uniform(0, 359), uniform(0, 255), uniform(0, 255),
                                         uniform(60, 255)));
        const QRect box(uniform(-200, Width), uniform(-200, Height), uniform(20, 600),
                        uniform(20, 600));
        shape % 2 ? painter.drawEllipse(box) : painter.drawRect(box);
    }
    painter.end();

    // Sensor-like noise: what makes photographs large after compression.
    std::normal_distribution<float> noise(0.f, 6.f);
    for (int y = 0; y < Height; ++y) {
        auto *row = reinterpret_cast<QRgb *>(image.scanLine(y));
        for (int x = 0; x < Width; ++x) {
            const int n = int(noise(random));
            row[x] = qRgb(std::clamp(qRed(row[x]) + n, 0, 255),
                           std::clamp(qGreen(row[x]) + n, 0, 255),
                           std::clamp(qBlue(row[x]) + n, 0, 255));
        }
    }
    return image;
}

QStringList generate(const QString &folder, int count, quint32 seed)
{
    QDir().mkpath(folder);
    QStringList files;
    for (int i = 0; i < count; ++i) {
        files.append(QDir(folder).filePath(QStringLiteral("photo-%1.jpg").arg(i, 5, 10,
                                                                              QLatin1Char('0'))));
    }
    QtConcurrent::blockingMap(files, [seed](const QString &file) {
        if (!QFileInfo::exists(file)) {
            const quint32 index = QFileInfo(file).baseName().section(u'-', 1).toUInt();
            realisticPicture(seed + index).save(file, "JPEG", 90);
        }
    });
    return files;
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    file.open(QIODevice::ReadOnly);
    return file.readAll();
}

// Runs fn on every file on a pool of the given size; returns the seconds it took, or a
// negative number when fn failed for any file.
double timeOnPool(const QStringList &files, int threads,
                  const std::function<bool(const QString &)> &fn)
{
    QThreadPool pool;
    pool.setMaxThreadCount(threads);
    std::atomic_bool failed = false;
    QElapsedTimer timer;
    timer.start();
    QtConcurrent::blockingMap(&pool, files, [&](const QString &file) {
        if (!fn(file)) {
            failed = true;
        }
    });
    const double seconds = timer.nsecsElapsed() / 1e9;
    return failed ? -1 : seconds;
}

bool plainDecode(const QString &file, int flags)
{
    const QByteArray bytes = readFile(file);
    const cv::Mat buffer(1, int(bytes.size()), CV_8U, const_cast<char *>(bytes.constData()));
    return !cv::imdecode(buffer, flags).empty();
}

// T vipsthumbnail processes with one worker thread each, the files split evenly among them.
double timeVips(const QString &vips, const QStringList &files, int threads,
                const QString &outputFolder)
{
    QDir().mkpath(outputFolder);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("VIPS_CONCURRENCY"), QStringLiteral("1"));
    QVector<QProcess *> processes;
    QElapsedTimer timer;
    timer.start();
    for (int t = 0; t < threads; ++t) {
        QStringList arguments{QStringLiteral("-s"), QString::number(ThumbnailSide),
                              QStringLiteral("-o"),
                              outputFolder + QStringLiteral("/%s.jpg[Q=%1]")
                                                 .arg(ThumbnailJpegQuality)};
        for (qsizetype i = t; i < files.size(); i += threads) {
            arguments.append(files[i]);
        }
        auto *process = new QProcess;
        process->setProcessEnvironment(environment);
        process->start(vips, arguments);
        processes.append(process);
    }
    bool ok = true;
    for (QProcess *process : processes) {
        ok = process->waitForFinished(-1) && process->exitStatus() == QProcess::NormalExit
             && process->exitCode() == 0 && ok;
        delete process;
    }
    const double seconds = timer.nsecsElapsed() / 1e9;
    return ok ? seconds : -1;
}

double timeImport(const QString &folder, const QString &projectFolder, int threads)
{
    QDir(projectFolder).removeRecursively();
    auto project = Project::create(projectFolder);
    if (!project) {
        QTextStream(stderr) << project.error() << Qt::endl;
        return -1;
    }
    JobControl control;
    ImportOptions options;
    options.threads = threads;
    QElapsedTimer timer;
    timer.start();
    const auto report = importImages(**project, {folder}, control, options);
    const double seconds = timer.nsecsElapsed() / 1e9;
    return report && report->added == report->filesSeen && report->skipped.isEmpty() ? seconds
                                                                                      : -1;
}

// CPU seconds used so far by this process and by the child processes it has waited for.
double cpuSeconds()
{
    double total = 0;
    for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
        rusage usage{};
        getrusage(who, &usage);
        total += usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec
                 + usage.ru_stime.tv_usec / 1e6;
    }
    return total;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("bench_import"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Times thumbnail import of 1920 x 1080 JPEGs against vipsthumbnail and plain decoding."));
    parser.addHelpOption();
    const QCommandLineOption imagesOption(QStringLiteral("images"),
                                          QStringLiteral("Number of images."),
                                          QStringLiteral("N"), QStringLiteral("300"));
    const QCommandLineOption threadsOption(
        QStringLiteral("threads"), QStringLiteral("Threads (and vipsthumbnail processes)."),
        QStringLiteral("T"), QString::number(QThread::idealThreadCount()));
    const QCommandLineOption roundsOption(QStringLiteral("rounds"),
                                          QStringLiteral("Runs of each way; the median counts."),
                                          QStringLiteral("R"), QStringLiteral("3"));
    const QCommandLineOption dirOption(
        QStringLiteral("dir"),
        QStringLiteral("Folder for the images, kept for later runs (default: a temporary "
                       "folder, removed)."),
        QStringLiteral("DIR"));
    const QCommandLineOption seedOption(QStringLiteral("seed"), QStringLiteral("Random seed."),
                                        QStringLiteral("S"), QStringLiteral("20261204"));
    parser.addOptions({imagesOption, threadsOption, roundsOption, dirOption, seedOption});
    parser.process(app);

    const int count = parser.value(imagesOption).toInt();
    const int threads = parser.value(threadsOption).toInt();
    const int rounds = parser.value(roundsOption).toInt();
    if (count <= 0 || threads <= 0 || rounds <= 0) {
        QTextStream(stderr) << "bench_import: --images, --threads and --rounds must be positive."
                            << Qt::endl;
        return 2;
    }

    QTemporaryDir temporary;
    const QString root = parser.isSet(dirOption) ? parser.value(dirOption) : temporary.path();
    const QString imageFolder = QDir(root).filePath(QStringLiteral("images"));
    out() << "Generating " << count << " JPEGs of " << Width << " x " << Height << " in "
          << imageFolder << " ..." << Qt::endl;
    const QStringList files = generate(imageFolder, count, parser.value(seedOption).toUInt());
    qint64 totalBytes = 0;
    for (const QString &file : files) {
        totalBytes += QFileInfo(file).size();
    }
    out() << "mean file size " << totalBytes / count / 1024 << " KiB; " << threads
          << " threads on " << QThread::idealThreadCount() << " cores; " << rounds
          << " rounds, median reported" << Qt::endl;
    for (const QString &file : files) {
        readFile(file); // into the page cache, so that every way reads from memory
    }

    const QString vips = QStandardPaths::findExecutable(QStringLiteral("vipsthumbnail"));
    struct Way
    {
        QString name;
        std::function<double()> run;
        QVector<double> seconds; // wall clock
        QVector<double> cpu;     // CPU seconds of all threads and processes
    };
    QVector<Way> ways = {
        {QStringLiteral("plain decode, full size (cv::imdecode)"),
         [&] {
             return timeOnPool(files, threads,
                               [](const QString &f) { return plainDecode(f, cv::IMREAD_COLOR); });
         }, {}, {}},
        {QStringLiteral("plain decode, 1/8 scale (cv::imdecode)"),
         [&] {
             return timeOnPool(files, threads, [](const QString &f) {
                 return plainDecode(f, cv::IMREAD_REDUCED_COLOR_8);
             });
         }, {}, {}},
        {QStringLiteral("vipsthumbnail -s 128, JPEG out"),
         [&] {
             return vips.isEmpty() ? -1
                                   : timeVips(vips, files, threads,
                                              QDir(root).filePath(QStringLiteral("vips")));
         }, {}, {}},
        {QStringLiteral("Likeness decoder (no store)"),
         [&] {
             return timeOnPool(files, threads,
                               [](const QString &f) { return decodeImageFile(f).ok; });
         }, {}, {}},
        {QStringLiteral("Likeness import (into a project)"),
         [&] {
             return timeImport(imageFolder, QDir(root).filePath(QStringLiteral("project")),
                               threads);
         }, {}, {}},
    };
    for (int round = 0; round < rounds; ++round) {
        for (Way &way : ways) {
            const double cpuBefore = cpuSeconds();
            way.seconds.append(way.run());
            way.cpu.append(cpuSeconds() - cpuBefore);
        }
    }

    // Wall-clock rates depend on what else the machine runs; rates per CPU-second (all
    // threads and processes of a way together) are what one core achieves on its own.
    const double importRate = count / bench::median(ways.last().seconds);
    const double importCpuRate = count / bench::median(ways.last().cpu);
    double vipsRate = 0;
    double vipsCpuRate = 0;
    out() << Qt::endl
          << QStringLiteral("%1 %2 %3 %4 %5 %6")
                 .arg(QStringLiteral("way"), -40)
                 .arg(QStringLiteral("images/s"), 9)
                 .arg(QStringLiteral("per thread"), 11)
                 .arg(QStringLiteral("per CPU-s"), 10)
                 .arg(QStringLiteral("import÷way"), 11)
                 .arg(QStringLiteral("(per CPU-s)"), 12)
          << Qt::endl;
    for (const Way &way : std::as_const(ways)) {
        const double seconds = bench::median(way.seconds);
        const bool isVips = way.name.startsWith(u'v');
        if (seconds <= 0) {
            out() << QStringLiteral("%1 %2").arg(way.name, -40)
                         .arg(vips.isEmpty() && isVips
                                  ? QStringLiteral("not run: install Debian's libvips-tools")
                                  : QStringLiteral("failed"))
                  << Qt::endl;
            continue;
        }
        const double rate = count / seconds;
        const double cpuRate = count / bench::median(way.cpu);
        if (isVips) {
            vipsRate = rate;
            vipsCpuRate = cpuRate;
        }
        out() << QStringLiteral("%1 %2 %3 %4 %5 %6")
                     .arg(way.name, -40)
                     .arg(rate, 9, 'f', 1)
                     .arg(rate / threads, 11, 'f', 1)
                     .arg(cpuRate, 10, 'f', 1)
                     .arg(importRate / rate, 11, 'f', 2)
                     .arg(importCpuRate / cpuRate, 12, 'f', 2)
              << Qt::endl;
    }

    out() << Qt::endl
          << "goal: >= 100 thumbnails/s per core: "
          << (importCpuRate >= 100 ? "met" : "NOT met") << " ("
          << QString::number(importCpuRate, 'f', 1) << " per CPU-second, "
          << QString::number(importRate / threads, 'f', 1) << " per thread of wall clock)"
          << Qt::endl;
    if (vipsRate > 0) {
        out() << "goal: at least as fast as vipsthumbnail: "
              << (importRate >= vipsRate && importCpuRate >= vipsCpuRate ? "met" : "NOT met")
              << " (import ÷ vipsthumbnail = " << QString::number(importRate / vipsRate, 'f', 2)
              << " wall clock, " << QString::number(importCpuRate / vipsCpuRate, 'f', 2)
              << " per CPU-second)" << Qt::endl;
    }
    return 0;
}

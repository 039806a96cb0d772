// Frame times of the Map tab's canvas while panning and zooming over 1M points, and the time
// to project embeddings with PCA and t-SNE. Run by hand (see README, "Benchmarks"):
//
//   QT_QPA_PLATFORM=offscreen build/tests/benchmarks/bench_map [--points N] [--frames N]
//                                                             [--projection-sizes 10000,100000]
//
// A frame is what the GUI thread does for one input step: apply the pan or zoom and paint the
// whole widget into an image. Between frames the benchmark lets queued events through (the
// finished density rasters) and paces itself to 60 Hz, as a display would.

#include "benchstats.h"
#include "embeddingmap.h"
#include "mapcanvas.h"
#include "ml/projection.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QImage>
#include <QRandomGenerator>
#include <QTextStream>
#include <QThread>

#include <algorithm>
#include <cmath>

using namespace likeness;

namespace {

constexpr double FrameBudgetMs = 16.0;

double gaussian(QRandomGenerator &random)
{
    return std::sqrt(-2.0 * std::log(1.0 - random.generateDouble()))
           * std::cos(2.0 * M_PI * random.generateDouble());
}

// n points in 40 clusters of varied size and spread, plus 5% scattered background.
std::shared_ptr<VersionMap> clusteredMap(qint64 n, std::vector<quint8> *cluster)
{
    QRandomGenerator random(42);
    constexpr int Clusters = 40;
    std::vector<QPointF> centres;
    std::vector<double> spreads;
    for (int c = 0; c < Clusters; ++c) {
        centres.emplace_back(random.generateDouble() * 100, random.generateDouble() * 70);
        spreads.push_back(0.5 + random.generateDouble() * 4);
    }
    auto map = std::make_shared<VersionMap>();
    map->projection.ids.reserve(n);
    map->projection.xy.reserve(size_t(n) * 2);
    for (qint64 i = 0; i < n; ++i) {
        const int c = int(random.bounded(Clusters));
        QPointF at = centres[size_t(c)]
                     + QPointF(gaussian(random), gaussian(random)) * spreads[size_t(c)];
        if (random.bounded(100) < 5) {
            at = QPointF(random.generateDouble() * 110 - 5, random.generateDouble() * 80 - 5);
        }
        map->projection.ids.append(i + 1);
        map->projection.xy.push_back(float(at.x()));
        map->projection.xy.push_back(float(at.y()));
        cluster->push_back(quint8(c % 11));
    }
    return map;
}

struct Percentiles
{
    double p50 = 0;
    double p99 = 0;
    double max = 0;
};

Percentiles percentiles(std::vector<double> values)
{
    return {bench::quantile(values, 0.5), bench::quantile(values, 0.99),
            bench::quantile(values, 1.0)};
}

// Runs `frames` input steps through step() and paints after each; returns per-frame ms.
template<typename Step>
std::vector<double> runFrames(MapCanvas *canvas, int frames, Step step, qint64 *detailed)
{
    QImage target(canvas->size(), QImage::Format_ARGB32_Premultiplied);
    std::vector<double> times;
    *detailed = 0;
    for (int frame = 0; frame < frames; ++frame) {
        QElapsedTimer timer;
        timer.start();
        step(frame);
        canvas->render(&target);
        const double ms = double(timer.nsecsElapsed()) / 1e6;
        times.push_back(ms);
        *detailed = std::max(*detailed, canvas->lastDetailedPoints());

        // Vsync pacing: the rest of the 16 ms goes to queued events (finished rasters).
        QElapsedTimer idle;
        idle.start();
        do {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 2);
            QThread::usleep(500);
        } while (idle.elapsed() + ms < FrameBudgetMs);
    }
    return times;
}

EmbeddingMatrix clusteredEmbeddings(qint64 n, int d)
{
    QRandomGenerator random(9);
    constexpr int Clusters = 30;
    std::vector<float> centres(size_t(Clusters) * d);
    for (float &value : centres) {
        value = float(gaussian(random));
    }
    EmbeddingMatrix matrix;
    matrix.version = 1;
    matrix.dimension = d;
    matrix.contentFingerprint = QByteArray(32, 'b');
    matrix.values.resize(size_t(n) * d);
    for (qint64 i = 0; i < n; ++i) {
        matrix.ids.append(i + 1);
        const int c = int(random.bounded(Clusters));
        double norm = 0;
        float *row = matrix.values.data() + size_t(i) * d;
        for (int j = 0; j < d; ++j) {
            row[j] = centres[size_t(c) * d + j] + float(0.35 * gaussian(random));
            norm += double(row[j]) * row[j];
        }
        for (int j = 0; j < d; ++j) {
            row[j] = float(row[j] / std::sqrt(norm));
        }
    }
    return matrix;
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption pointsOption(QStringLiteral("points"),
                                          QStringLiteral("Points on the map."),
                                          QStringLiteral("n"), QStringLiteral("1000000"));
    const QCommandLineOption framesOption(QStringLiteral("frames"),
                                          QStringLiteral("Frames per scenario."),
                                          QStringLiteral("n"), QStringLiteral("300"));
    const QCommandLineOption sizesOption(QStringLiteral("projection-sizes"),
                                         QStringLiteral("Embedding counts to project, "
                                                        "comma-separated (0: skip)."),
                                         QStringLiteral("list"),
                                         QStringLiteral("10000,100000"));
    parser.addOptions({pointsOption, framesOption, sizesOption});
    parser.process(app);
    const qint64 points = parser.value(pointsOption).toLongLong();
    const int frames = parser.value(framesOption).toInt();
    QTextStream out(stdout);

    // The real Map tab widget at a desktop size, with 1M clustered points.
    std::vector<quint8> clusters;
    QElapsedTimer timer;
    timer.start();
    std::shared_ptr<VersionMap> map = clusteredMap(points, &clusters);
    EmbeddingMap widget;
    widget.resize(1280, 800);
    widget.show();
    QElapsedTimer setup;
    setup.start();
    widget.setVersionMap(map);
    const qint64 setMapMs = setup.elapsed();
    MapCanvas *canvas = widget.canvas();
    QVector<QColor> palette;
    QStringList names;
    for (int c = 0; c < 11; ++c) {
        palette.append(QColor::fromHsv(c * 33, 200, 200));
        names.append(QStringLiteral("cluster %1").arg(c));
    }
    canvas->setCategories(clusters, palette, names);
    while (canvas->rasterPending()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    out << "map: " << points << " points, canvas " << canvas->width() << "x" << canvas->height()
        << ", setVersionMap (grid index, colours) " << setMapMs << " ms\n";

    // Background raster renders: time from request to arrival, measured for a few views.
    std::vector<double> rasterMs;
    for (int i = 0; i < 20; ++i) {
        QElapsedTimer render;
        render.start();
        canvas->panBy(QPointF(i % 2 ? 37 : -37, 11));
        while (canvas->rasterPending()) {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
        }
        rasterMs.push_back(double(render.nsecsElapsed()) / 1e6);
    }

    struct Scenario
    {
        QString name;
        std::function<void(int)> step;
    };
    const QPointF middle(canvas->width() / 2.0, canvas->height() / 2.0);
    const std::vector<Scenario> scenarios = {
        {QStringLiteral("pan, all points in view"),
         [&](int f) { canvas->panBy(QPointF(f % 40 < 20 ? 6 : -6, f % 80 < 40 ? 3 : -3)); }},
        {QStringLiteral("zoom in and out, wheel steps"),
         [&](int f) { canvas->zoomBy(f % 40 < 20 ? 1.1 : 1 / 1.1, middle + QPointF(90, 40)); }},
        {QStringLiteral("pan, zoomed in 12x (points drawn singly)"),
         [&](int f) { canvas->panBy(QPointF(f % 40 < 20 ? 9 : -9, 2 * (f % 2) - 1)); }},
    };

    out << "\nscenario                                  frames   p50 ms   p99 ms   max ms"
           "  p99 <= 16 ms  most points drawn singly\n";
    for (const Scenario &scenario : scenarios) {
        canvas->fitAll();
        if (scenario.name.contains(QLatin1String("12x"))) {
            canvas->zoomBy(12.0, canvas->toWidget(map->projection.ids.isEmpty()
                                                      ? QPointF()
                                                      : QPointF(map->projection.xy[0],
                                                                map->projection.xy[1])));
        }
        while (canvas->rasterPending()) {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        }
        qint64 detailed = 0;
        const Percentiles p = percentiles(runFrames(canvas, frames, scenario.step, &detailed));
        out << qSetFieldWidth(42) << Qt::left << scenario.name << qSetFieldWidth(0) << Qt::right
            << qSetFieldWidth(6) << frames << qSetFieldWidth(9) << QString::number(p.p50, 'f', 2)
            << QString::number(p.p99, 'f', 2) << QString::number(p.max, 'f', 2)
            << qSetFieldWidth(14) << (p.p99 <= FrameBudgetMs ? "yes" : "NO")
            << qSetFieldWidth(12) << detailed << qSetFieldWidth(0) << "\n";
    }
    const Percentiles raster = percentiles(rasterMs);
    out << "density raster off the GUI thread (request to shown): p50 "
        << QString::number(raster.p50, 'f', 1) << " ms, p99 " << QString::number(raster.p99, 'f', 1)
        << " ms\n";
    out.flush();

    // Projection times on clustered, normalised 128-d embeddings.
    out << "\nprojection of 128-d embeddings       rows     ms\n";
    for (const QString &size : parser.value(sizesOption).split(QLatin1Char(','))) {
        const qint64 rows = size.toLongLong();
        if (rows <= 0) {
            continue;
        }
        const EmbeddingMatrix matrix = clusteredEmbeddings(rows, 128);
        for (ProjectionMethod method : {ProjectionMethod::Pca, ProjectionMethod::Tsne}) {
            JobControl control;
            timer.restart();
            Result<Projection> projection = projectEmbeddings(matrix, method, control);
            const qint64 ms = timer.elapsed();
            out << qSetFieldWidth(30) << Qt::left << projectionMethodName(method)
                << qSetFieldWidth(0) << Qt::right << qSetFieldWidth(12) << rows
                << qSetFieldWidth(9) << ms << qSetFieldWidth(0)
                << (projection ? QString() : QStringLiteral("  failed: ") + projection.error())
                << "\n";
            out.flush();
        }
    }
    return 0;
}

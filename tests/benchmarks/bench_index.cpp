// Index benchmark: our kNN query path against Faiss called directly on the same index, exact
// search against the memory-bandwidth floor measured in the same run, and the approximate
// index's recall@10 against exact search with its single-query latency.
//
// Data: generated, fixed seed, L2-normalised vectors drawn around 1,024 random centres with
// noise as large as the centres (neighbours share a centre but clusters overlap), the shape
// of trained embeddings. Queries are new vectors drawn the same way (not in the index).

#include "benchstats.h"
#include "index/vectorindex.h"
#include "index/vectorindex_p.h"
#include "ml/embeddings.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSet>
#include <QTextStream>

#include <faiss/utils/distances.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

using namespace likeness;

namespace {

constexpr int Centres = 1024;
constexpr int K = 10;

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

// A small, fast generator: the benchmark's data must not take longer than its searches.
struct SplitMix
{
    quint64 state;
    quint64 next()
    {
        quint64 z = (state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    float uniform() { return float(next() >> 40) / float(1 << 24) * 2.f - 1.f; }
};

// rows × d normalised vectors around the shared centres; each thread fills its own rows.
std::vector<float> clustered(qint64 rows, int d, const std::vector<float> &centres,
                             quint64 seed)
{
    std::vector<float> values(size_t(rows) * d);
#pragma omp parallel for schedule(static)
    for (qint64 r = 0; r < rows; ++r) {
        SplitMix random{seed * 0x100000001ULL + quint64(r)};
        const float *centre = centres.data() + size_t(random.next() % Centres) * d;
        float *row = values.data() + size_t(r) * d;
        double norm = 0;
        for (int i = 0; i < d; ++i) {
            row[i] = centre[i] + random.uniform();
            norm += double(row[i]) * row[i];
        }
        const float scale = float(1 / std::sqrt(norm));
        for (int i = 0; i < d; ++i) {
            row[i] *= scale;
        }
    }
    return values;
}

// Streams over a buffer larger than any cache with `threads` threads and returns the read
// bandwidth in bytes per second (best of three passes). 64-bit integer sums in four chains
// keep the adds far faster than memory.
double readBandwidth(const std::vector<quint64> &buffer, int threads)
{
    double best = 0;
    for (int pass = 0; pass < 3; ++pass) {
        QElapsedTimer timer;
        timer.start();
        quint64 total = 0;
#pragma omp parallel num_threads(threads) reduction(+ : total)
        {
            quint64 a = 0;
            quint64 b = 0;
            quint64 c = 0;
            quint64 e = 0;
#pragma omp for schedule(static)
            for (qint64 i = 0; i < qint64(buffer.size()); i += 4) {
                a += buffer[size_t(i)];
                b += buffer[size_t(i) + 1];
                c += buffer[size_t(i) + 2];
                e += buffer[size_t(i) + 3];
            }
            total += a + b + c + e;
        }
        const double seconds = double(timer.nsecsElapsed()) / 1e9;
        best = std::max(best, double(buffer.size() * sizeof(quint64)) / seconds);
        if (total == 42) {
            out() << "";
        }
    }
    return best;
}

struct Timing
{
    double oursSingle = 0;  // seconds per query, median
    double faissSingle = 0;
    double oursBatch = 0;   // seconds per query in one batch, best round
    double faissBatch = 0;
};

// Single queries alternate between our path and Faiss so that both see the same machine load,
// and which goes first alternates too: the second call finds the first one's lists in cache.
Timing timeSearches(const VectorIndex &index, const std::vector<float> &queries, int singles,
                    int batch)
{
    const faiss::Index *faissIndex = faissIndexOf(index);
    const int d = index.dimension();
    std::vector<float> scores(size_t(batch) * K);
    std::vector<faiss::Index::idx_t> labels(size_t(batch) * K);
    std::vector<double> ours;
    std::vector<double> direct;
    const auto timeOurs = [&](const float *query) {
        QElapsedTimer timer;
        timer.start();
        const auto found = index.search(query, K);
        ours.push_back(double(timer.nsecsElapsed()) / 1e9);
        if (!found) {
            qFatal("search failed: %s", qPrintable(found.error()));
        }
    };
    const auto timeFaiss = [&](const float *query) {
        QElapsedTimer timer;
        timer.start();
        faissIndex->search(1, query, K, scores.data(), labels.data());
        direct.push_back(double(timer.nsecsElapsed()) / 1e9);
    };
    for (int q = 0; q < singles; ++q) {
        const float *query = queries.data() + size_t(q % batch) * d;
        if (q % 2 == 0) {
            timeOurs(query);
            timeFaiss(query);
        } else {
            timeFaiss(query);
            timeOurs(query);
        }
    }

    Timing timing;
    timing.oursSingle = bench::median(ours);
    timing.faissSingle = bench::median(direct);
    // Batches: the best of four rounds each, again alternating which goes first.
    std::vector<double> oursBatch;
    std::vector<double> directBatch;
    for (int round = 0; round < 4; ++round) {
        for (int turn = 0; turn < 2; ++turn) {
            QElapsedTimer timer;
            timer.start();
            if ((round + turn) % 2 == 0) {
                const auto found = index.searchBatch(queries.data(), batch, K);
                oursBatch.push_back(double(timer.nsecsElapsed()) / 1e9 / batch);
            } else {
                faissIndex->search(batch, queries.data(), K, scores.data(), labels.data());
                directBatch.push_back(double(timer.nsecsElapsed()) / 1e9 / batch);
            }
        }
    }
    timing.oursBatch = *std::min_element(oursBatch.begin(), oursBatch.end());
    timing.faissBatch = *std::min_element(directBatch.begin(), directBatch.end());
    return timing;
}

QString ms(double seconds)
{
    return seconds >= 0.1 ? QStringLiteral("%1 ms").arg(seconds * 1e3, 0, 'f', 0)
                          : QStringLiteral("%1 ms").arg(seconds * 1e3, 0, 'f', 3);
}

void row(const QString &n, const QString &metric, const QString &ours, const QString &other,
         double ratio, const QString &goal)
{
    out() << "| " << n << " | " << metric << " | " << ours << " | " << other << " | "
          << (ratio > 0 ? QString::number(ratio, 'f', 2) : QStringLiteral("")) << " | " << goal
          << " |\n";
    out().flush();
}

void runCase(qint64 n, int d, int queryCount, int singles, double bandwidth1,
             double bandwidthAll)
{
    const QString label = QStringLiteral("%1 × %2").arg(n).arg(d);
    SplitMix random{quint64(d) * 7919};
    std::vector<float> centres(size_t(Centres) * d);
    for (float &value : centres) {
        value = random.uniform();
    }

    EmbeddingMatrix matrix;
    matrix.version = 1;
    matrix.dimension = d;
    matrix.values = clustered(n, d, centres, 1);
    matrix.ids.resize(n);
    for (qint64 i = 0; i < n; ++i) {
        matrix.ids[i] = i + 1;
    }
    const std::vector<float> queries = clustered(queryCount, d, centres, 2);

    // Exact: our path, Faiss on the same index, and the floor of streaming every vector once.
    IndexOptions exactOptions;
    exactOptions.approximateThreshold = std::numeric_limits<qint64>::max();
    QElapsedTimer timer;
    timer.start();
    const auto exact = VectorIndex::build(matrix, exactOptions);
    if (!exact) {
        qFatal("%s", qPrintable(exact.error()));
    }
    const double exactBuild = double(timer.nsecsElapsed()) / 1e9;
    const Timing e = timeSearches(*exact, queries, singles, queryCount);
    const double bytes = double(n) * d * sizeof(float);
    const double floor1 = bytes / bandwidth1;
    const double floorAll = bytes / bandwidthAll;
    row(label, QStringLiteral("exact build"), ms(exactBuild), {}, 0, {});
    row(label, QStringLiteral("exact single query: ours vs Faiss"), ms(e.oursSingle),
        ms(e.faissSingle), e.oursSingle / e.faissSingle, QStringLiteral("≤ 1.10"));
    row(label, QStringLiteral("exact batch of %1, per query: ours vs Faiss").arg(queryCount),
        ms(e.oursBatch), ms(e.faissBatch), e.oursBatch / e.faissBatch, QStringLiteral("≤ 1.10"));
    row(label, QStringLiteral("exact single query vs bandwidth floor (1 thread)"),
        ms(e.oursSingle), ms(floor1), e.oursSingle / floor1, QStringLiteral("≤ 1.50"));
    row(label, QStringLiteral("exact batch per query vs bandwidth floor (all threads)"),
        ms(e.oursBatch), ms(floorAll), e.oursBatch / floorAll, QStringLiteral("≤ 1.50"));

    // Ground truth for the approximate index: exact top-10 of the same queries.
    std::vector<float> truthScores(size_t(queryCount) * K);
    std::vector<int64_t> truthRows(size_t(queryCount) * K);
    faiss::knn_inner_product(queries.data(), matrix.data(), size_t(d), size_t(queryCount),
                             size_t(n), K, truthScores.data(), truthRows.data());

    IndexOptions approximateOptions;
    approximateOptions.approximateThreshold = 0;
    timer.restart();
    const auto approximate = VectorIndex::build(matrix, approximateOptions);
    if (!approximate) {
        qFatal("%s", qPrintable(approximate.error()));
    }
    const double approximateBuild = double(timer.nsecsElapsed()) / 1e9;
    const Timing a = timeSearches(*approximate, queries, std::max(singles, 200), queryCount);
    const auto found = approximate->searchBatch(queries.data(), queryCount, K);
    qint64 hits = 0;
    for (int q = 0; q < queryCount; ++q) {
        QSet<qint64> truth;
        for (int j = 0; j < K; ++j) {
            truth.insert(matrix.ids[truthRows[size_t(q) * K + j]]);
        }
        for (const Neighbour &neighbour : found->at(q)) {
            hits += truth.contains(neighbour.id) ? 1 : 0;
        }
    }
    const double recall = double(hits) / double(queryCount * K);
    const IndexStats stats = approximate->stats();
    row(label, QStringLiteral("approximate build (IVF-Flat, %1 lists, %2 probes)")
                   .arg(stats.lists).arg(stats.probes),
        ms(approximateBuild), {}, 0, {});
    row(label, QStringLiteral("approximate recall@10 vs exact (own sample / these queries)"),
        QString::number(*stats.recallAt10, 'f', 3), QString::number(recall, 'f', 3), 0,
        QStringLiteral("≥ 0.95"));
    row(label, QStringLiteral("approximate single query: ours vs Faiss"), ms(a.oursSingle),
        ms(a.faissSingle), a.oursSingle / a.faissSingle, QStringLiteral("≤ 1.10"));
    row(label, QStringLiteral("approximate batch of %1, per query: ours vs Faiss")
                   .arg(queryCount),
        ms(a.oursBatch), ms(a.faissBatch), a.oursBatch / a.faissBatch, QStringLiteral("≤ 1.10"));
    row(label, QStringLiteral("approximate vs exact single query (speed-up)"), ms(a.oursSingle),
        ms(e.oursSingle), e.oursSingle / a.oursSingle, {});
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Likeness index benchmark"));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("sizes"), QStringLiteral("Vector counts (default 100000,1000000)."),
         QStringLiteral("N,..."), QStringLiteral("100000,1000000")},
        {QStringLiteral("dims"), QStringLiteral("Dimensions (default 128,512)."),
         QStringLiteral("D,..."), QStringLiteral("128,512")},
        {QStringLiteral("queries"), QStringLiteral("Batch size and recall queries (default 256)."),
         QStringLiteral("Q"), QStringLiteral("256")},
        {QStringLiteral("singles"), QStringLiteral("Timed single queries (default 30)."),
         QStringLiteral("S"), QStringLiteral("30")},
    });
    parser.process(app);
    const int queries = parser.value(QStringLiteral("queries")).toInt();
    const int singles = parser.value(QStringLiteral("singles")).toInt();

    // The floor's bandwidth is measured here, on this machine, now: 1 GiB read three times.
    std::vector<quint64> buffer(size_t(1) << 27, 1);
    const int threads = omp_get_max_threads();
    const double bandwidth1 = readBandwidth(buffer, 1);
    const double bandwidthAll = readBandwidth(buffer, threads);
    buffer = {};
    out() << QStringLiteral("Read bandwidth: %1 GB/s with 1 thread, %2 GB/s with %3 threads\n")
                 .arg(bandwidth1 / 1e9, 0, 'f', 1).arg(bandwidthAll / 1e9, 0, 'f', 1)
                 .arg(threads)
          << QStringLiteral("k = %1; single query = median, batch = best of 4; ratio = first ÷ "
                            "second column\n\n")
                 .arg(K)
          << "| vectors | metric | Likeness | Faiss direct / floor | ratio | goal |\n"
          << "|---|---|---|---|---|---|\n";

    for (const QString &size : parser.value(QStringLiteral("sizes")).split(u',')) {
        for (const QString &dimension : parser.value(QStringLiteral("dims")).split(u',')) {
            runCase(size.toLongLong(), dimension.toInt(), queries, singles, bandwidth1,
                    bandwidthAll);
        }
    }
    return 0;
}

#include "io/importer.h"
#include "ml/modelversion.h"
#include "ml/neighbours.h"
#include "store/project.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace likeness;

class tst_Neighbours : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void selectionMeanAndJudgmentMarker();
    void sortBySimilarityPages();
    void pictureOutsideTheProject();
    void compareVersionsForOneImage();
    void neighbourhoodChangeOverTheCollection();
    void moreOrNotLikeThisBecomesAJudgment_data();
    void moreOrNotLikeThisBecomesAJudgment();
    void feedbackNeedsAShownNeighbour();

private:
    // Images on an arc in 2-D, so neighbours are known: image i at angle i × step, or, when
    // shuffled, at angle (7i mod count) × step.
    static VersionData lineVersion(int version, int count, double step, bool shuffled);
    static void writeImage(const QString &path, const QColor &colour, int stripes);

    QTemporaryDir m_dir;
    std::unique_ptr<Project> m_project;
    std::shared_ptr<const VersionData> m_data;
};

void tst_Neighbours::writeImage(const QString &path, const QColor &colour, int stripes)
{
    QImage image(32, 32, QImage::Format_RGB32);
    image.fill(colour);
    for (int y = 0; y < 32; y += 32 / std::max(1, stripes)) {
        for (int x = 0; x < 32 && stripes > 0; ++x) {
            image.setPixelColor(x, y, Qt::black);
        }
    }
    QVERIFY(image.save(path));
}

VersionData tst_Neighbours::lineVersion(int version, int count, double step, bool shuffled)
{
    VersionData data;
    data.version = version;
    data.embeddings.version = version;
    data.embeddings.dimension = 2;
    for (int i = 0; i < count; ++i) {
        const double angle = (shuffled ? (7 * i) % count : i) * step;
        data.embeddings.ids.append(i + 1);
        data.embeddings.values.push_back(float(std::cos(angle)));
        data.embeddings.values.push_back(float(std::sin(angle)));
    }
    data.index = *VectorIndex::build(data.embeddings);
    return data;
}

void tst_Neighbours::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QString images = m_dir.filePath(QStringLiteral("images"));
    QDir().mkpath(images);
    for (int i = 0; i < 12; ++i) {
        writeImage(QStringLiteral("%1/%2.png").arg(images).arg(i, 2, 10, QLatin1Char('0')),
                   QColor::fromHsv(i * 30, 80 + i * 10, 200), i % 4);
    }
    auto project = Project::create(m_dir.filePath(QStringLiteral("p")));
    QVERIFY2(project, qPrintable(project.error()));
    m_project = std::move(*project);
    JobControl control;
    QVERIFY(importImages(*m_project, {images}, control));
    const auto data = loadVersionData(*m_project, 0, control);
    QVERIFY2(data, qPrintable(data.error()));
    m_data = *data;
}

void tst_Neighbours::selectionMeanAndJudgmentMarker()
{
    const QVector<qint64> ids = m_project->imageIds(ImageStatus::Ok);
    QVERIFY(m_project->addLabel({ids[3]}, QStringLiteral("warm"), LabelSource::Human,
                                QStringLiteral("ann")));
    Judgment judgment;
    judgment.anchorId = ids[0];
    judgment.firstId = ids[3];
    judgment.secondId = ids[5];
    judgment.choice = Choice::First;
    judgment.annotator = QStringLiteral("ann");
    QVERIFY(m_project->addJudgment(judgment));

    // One image: never itself, at most k, labels and the marker filled in.
    const auto one = nearestNeighbours(*m_project, *m_data, {ids[0]}, 20);
    QVERIFY2(one, qPrintable(one.error()));
    QCOMPARE(one->size(), 11);
    for (const NeighbourInfo &neighbour : *one) {
        QVERIFY(neighbour.id != ids[0]);
        QCOMPARE(neighbour.judgedWithQuery, neighbour.id == ids[3] || neighbour.id == ids[5]);
        QCOMPARE(neighbour.labels.contains(QStringLiteral("warm")), neighbour.id == ids[3]);
    }

    // A selection: its mean is the query, and its members are left out.
    const auto mean = selectionQuery(*m_data, {ids[1], ids[2]});
    QVERIFY(mean);
    double norm = 0;
    for (float value : *mean) {
        norm += value * value;
    }
    QVERIFY(std::abs(norm - 1) < 1e-4);
    const auto several = nearestNeighbours(*m_project, *m_data, {ids[1], ids[2]}, 5);
    QVERIFY(several);
    QCOMPARE(several->size(), 5);
    for (const NeighbourInfo &neighbour : *several) {
        QVERIFY(neighbour.id != ids[1] && neighbour.id != ids[2]);
    }

    QVERIFY(!nearestNeighbours(*m_project, *m_data, {987654}, 5));
    QVERIFY(!nearestNeighbours(*m_project, *m_data, {}, 5));
}

void tst_Neighbours::sortBySimilarityPages()
{
    const VersionData line = lineVersion(0, 30, 0.05, false);
    const auto first = sortBySimilarity(line, {10}, 0, 5);
    QVERIFY(first);
    QCOMPARE(first->size(), 5);
    QCOMPARE(first->first().id, 10);

    // Pages join up into one ordering by similarity, the last page is short, then empty.
    QVector<Neighbour> all;
    for (qint64 offset = 0; offset < 40; offset += 7) {
        const auto page = sortBySimilarity(line, {10}, offset, 7);
        QVERIFY(page);
        all += *page;
    }
    QCOMPARE(all.size(), 30);
    for (qsizetype i = 1; i < all.size(); ++i) {
        QVERIFY(all[i - 1].similarity >= all[i].similarity);
    }
    QVERIFY(sortBySimilarity(line, {10}, 30, 10)->isEmpty());
    QVERIFY(!sortBySimilarity(line, {10}, -1, 10));
}

void tst_Neighbours::pictureOutsideTheProject()
{
    // A copy of an imported picture, outside the project, finds that picture first.
    const QString outside = m_dir.filePath(QStringLiteral("outside.png"));
    QVERIFY(QFile::copy(m_dir.filePath(QStringLiteral("images/07.png")), outside));
    const auto found = neighboursOfFile(*m_project, *m_data, outside, 3);
    QVERIFY2(found, qPrintable(found.error()));
    QCOMPARE(found->size(), 3);
    QCOMPARE(found->first().id,
             m_project->imageByPath(m_dir.filePath(QStringLiteral("images/07.png")))->id);
    QVERIFY(found->first().similarity > 0.999f);

    const QString broken = m_dir.filePath(QStringLiteral("broken.png"));
    QFile file(broken);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("not a picture");
    file.close();
    const auto refused = neighboursOfFile(*m_project, *m_data, broken, 3);
    QVERIFY(!refused);
    QVERIFY2(refused.error().contains(broken), qPrintable(refused.error()));
}

void tst_Neighbours::compareVersionsForOneImage()
{
    // The second version shuffles the arc: image 5's neighbours 4, 6, 3 or 7 move away.
    const VersionData before = lineVersion(0, 20, 0.05, false);
    const VersionData same = lineVersion(1, 20, 0.05, false);
    const VersionData after = lineVersion(2, 20, 0.05, true);
    const auto unchanged = compareNeighbourhoods(before, same, 1, 3);
    QVERIFY(unchanged);
    QCOMPARE(unchanged->jaccard, 1.0);
    QVERIFY(unchanged->entered.isEmpty() && unchanged->left.isEmpty());

    const auto comparison = compareNeighbourhoods(before, after, 5, 3);
    QVERIFY(comparison);
    QCOMPARE(comparison->before.size(), 3);
    QCOMPARE(comparison->left.size(), comparison->entered.size());
    QVERIFY(!comparison->entered.isEmpty());
    QVERIFY(comparison->jaccard < 1.0);
    for (qint64 id : comparison->entered) {
        QVERIFY(std::any_of(comparison->after.cbegin(), comparison->after.cend(),
                            [id](const Neighbour &n) { return n.id == id; }));
    }
    QVERIFY(!compareNeighbourhoods(before, after, 999, 3));
}

void tst_Neighbours::neighbourhoodChangeOverTheCollection()
{
    const VersionData before = lineVersion(0, 40, 0.05, false);
    const VersionData same = lineVersion(1, 40, 0.05, false);
    const auto none = neighbourhoodChange(before, same, 5, 100);
    QVERIFY(none);
    QCOMPARE(none->images, 40);
    QCOMPARE(none->change, 0.0);

    // Spreading the points further apart along the circle moves neighbourhoods around.
    const VersionData wrapped = lineVersion(2, 40, 2.4, false);
    const auto changed = neighbourhoodChange(before, wrapped, 5, 25);
    QVERIFY(changed);
    QCOMPARE(changed->images, 25);
    QVERIFY(changed->change > 0.2);
    QCOMPARE(changed->meanJaccard + changed->change, 1.0);
}

void tst_Neighbours::moreOrNotLikeThisBecomesAJudgment_data()
{
    QTest::addColumn<bool>("moreLikeThis");
    QTest::addColumn<qint64>("second");
    QTest::addColumn<Choice>("choice");
    QTest::addColumn<QString>("sampler");
    QTest::newRow("more like this: against the farthest shown")
        << true << qint64(40) << Choice::First << MoreLikeThisSampler;
    QTest::newRow("not like this: against the nearest shown")
        << false << qint64(10) << Choice::Second << NotLikeThisSampler;
}

void tst_Neighbours::moreOrNotLikeThisBecomesAJudgment()
{
    QFETCH(bool, moreLikeThis);
    QFETCH(qint64, second);
    QFETCH(Choice, choice);
    QFETCH(QString, sampler);
    const QVector<Neighbour> shown{{10, 0.9f}, {20, 0.8f}, {30, 0.7f}, {40, 0.6f}};
    const auto judgment = neighbourFeedbackJudgment(5, shown, 20, moreLikeThis,
                                                    QStringLiteral("ann"), 3);
    QVERIFY2(judgment, qPrintable(judgment.error()));
    QCOMPARE(judgment->anchorId, 5);
    QCOMPARE(judgment->firstId, 20);
    QCOMPARE(judgment->secondId, second);
    QCOMPARE(judgment->choice, choice);
    QCOMPARE(judgment->sampler, sampler);
    QCOMPARE(judgment->modelVersion, 3);

    // It is an ordinary judgment: the store takes it as it is.
    const QVector<qint64> ids = m_project->imageIds(ImageStatus::Ok);
    const QVector<Neighbour> real{{ids[1], 0.9f}, {ids[2], 0.8f}, {ids[3], 0.7f}};
    const auto stored = neighbourFeedbackJudgment(ids[0], real, ids[2], moreLikeThis,
                                                  QStringLiteral("ann"), 0);
    QVERIFY(stored);
    const auto id = m_project->addJudgment(*stored);
    QVERIFY2(id, qPrintable(id.error()));
    QCOMPARE(m_project->judgments().last().sampler, sampler);
}

void tst_Neighbours::feedbackNeedsAShownNeighbour()
{
    const QVector<Neighbour> shown{{10, 0.9f}, {20, 0.8f}};
    QVERIFY(!neighbourFeedbackJudgment(5, shown, 30, true, {}, 0));
    QVERIFY(!neighbourFeedbackJudgment(5, shown, 5, true, {}, 0));
    QVERIFY(!neighbourFeedbackJudgment(5, {{10, 0.9f}}, 10, false, {}, 0));
}

QTEST_GUILESS_MAIN(tst_Neighbours)
#include "tst_neighbours.moc"

#include "ml/embeddings.h"
#include "ml/evaluation.h"
#include "store/project.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace likeness;

class tst_Evaluation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void averagePrecisionAtR_data();
    void averagePrecisionAtR();
    void heldOutPartIsStableAndAboutOneFifth();
    void separatedClassesScorePerfectly();
    void judgmentAgreement();
};

void tst_Evaluation::averagePrecisionAtR_data()
{
    QTest::addColumn<QVector<bool>>("ranked");
    QTest::addColumn<qint64>("relevant");
    QTest::addColumn<double>("expected");

    // MAP@R as defined by Musgrave et al.: (1/R) Σ_{i≤R} P(i)·rel(i).
    QTest::newRow("all relevant") << QVector<bool>{true, true, true} << qint64(3) << 1.0;
    QTest::newRow("none relevant") << QVector<bool>{false, false} << qint64(2) << 0.0;
    QTest::newRow("second of two") << QVector<bool>{false, true} << qint64(2) << 0.25;
    QTest::newRow("only the first R count")
        << QVector<bool>{true, false, true, true} << qint64(2) << 0.5;
    QTest::newRow("1,0,1 with R=3") << QVector<bool>{true, false, true} << qint64(3)
                                    << (1.0 + 2.0 / 3.0) / 3.0;
    QTest::newRow("no relevant items") << QVector<bool>{} << qint64(0) << 0.0;
}

void tst_Evaluation::averagePrecisionAtR()
{
    QFETCH(QVector<bool>, ranked);
    QFETCH(qint64, relevant);
    QFETCH(double, expected);
    QVERIFY(std::abs(likeness::averagePrecisionAtR(ranked, relevant) - expected) < 1e-12);
}

void tst_Evaluation::heldOutPartIsStableAndAboutOneFifth()
{
    int heldOut = 0;
    for (qint64 id = 1; id <= 10000; ++id) {
        heldOut += isHeldOutImage(id) ? 1 : 0;
        QCOMPARE(isHeldOutImage(id), isHeldOutImage(id));
    }
    QVERIFY2(heldOut > 1800 && heldOut < 2200, qPrintable(QString::number(heldOut)));
}

// Two labels, each image's embedding points along its label's axis (with a small spread):
// every neighbour vote and every ranking is right.
void tst_Evaluation::separatedClassesScorePerfectly()
{
    QTemporaryDir dir;
    auto project = Project::create(dir.path());
    QVERIFY(project);
    QVector<ImageRecord> records(60);
    for (int i = 0; i < records.size(); ++i) {
        records[i].path = QStringLiteral("/x/%1.png").arg(i);
        records[i].status = ImageStatus::Ok;
    }
    QVERIFY((*project)->upsertImages(records));

    EmbeddingMatrix matrix;
    matrix.dimension = 3;
    QVector<qint64> left;
    QVector<qint64> right;
    for (int i = 0; i < records.size(); ++i) {
        const bool isLeft = i % 2 == 0;
        (isLeft ? left : right).append(records[i].id);
        matrix.ids.append(records[i].id);
        const float spread = 0.01f * float(i % 7);
        const float x = isLeft ? 1.f : 0.f;
        const float y = isLeft ? 0.f : 1.f;
        const float norm = std::sqrt(x * x + y * y + spread * spread);
        matrix.values.insert(matrix.values.end(), {x / norm, y / norm, spread / norm});
    }
    QVERIFY((*project)->addLabel(left, QStringLiteral("left"), LabelSource::Human, {}));
    QVERIFY((*project)->addLabel(right, QStringLiteral("right"), LabelSource::Human, {}));

    const Metrics metrics = evaluateEmbeddings(**project, matrix);
    QVERIFY(metrics.heldOutImages > 0);
    QCOMPARE(*metrics.knnAccuracy, 1.0);
    QCOMPARE(*metrics.mapAtR, 1.0);
    QVERIFY(!metrics.tripletAgreement);
}

void tst_Evaluation::judgmentAgreement()
{
    QTemporaryDir dir;
    auto project = Project::create(dir.path());
    QVector<ImageRecord> records(3);
    for (int i = 0; i < 3; ++i) {
        records[i].path = QStringLiteral("/y/%1.png").arg(i);
        records[i].status = ImageStatus::Ok;
    }
    QVERIFY((*project)->upsertImages(records));
    EmbeddingMatrix matrix;
    matrix.dimension = 2;
    matrix.ids = {records[0].id, records[1].id, records[2].id};
    matrix.values = {1.f, 0.f, 0.8f, 0.6f, 0.f, 1.f}; // image 1 is closer to image 0

    // Add judgments until one lands in the held-out part, alternating the right answer and
    // the wrong one, and check each outcome.
    int agreeing = 0;
    int disagreeing = 0;
    for (int i = 0; i < 200 && (agreeing == 0 || disagreeing == 0); ++i) {
        const bool right = i % 2 == 0;
        Judgment judgment{0, records[0].id, records[1].id, records[2].id,
                          right ? Choice::First : Choice::Second, {}, {}, 0, 0, {}};
        const auto id = (*project)->addJudgment(judgment);
        QVERIFY(id);
        if (isHeldOutJudgment(*id)) {
            const Metrics metrics = evaluateEmbeddings(**project, matrix);
            QCOMPARE(metrics.heldOutJudgments, qint64(agreeing + disagreeing + 1));
            (right ? agreeing : disagreeing) += 1;
            QCOMPARE(*metrics.tripletAgreement,
                     double(agreeing) / double(agreeing + disagreeing));
        }
    }
    QVERIFY(agreeing > 0 && disagreeing > 0);
}

QTEST_GUILESS_MAIN(tst_Evaluation)
#include "tst_evaluation.moc"

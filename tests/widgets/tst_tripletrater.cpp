#include "testproject.h"
#include "tripletrater.h"

#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QUndoStack>

using namespace likeness;

Q_DECLARE_METATYPE(likeness::Choice)

class tst_TripletRater : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void keysRateAndUndo();
    void keyGivesAnswer_data();
    void keyGivesAnswer();
    void buttonsGiveAnswers();
    void redoRestoresJudgment();
    void judgmentFromNeighboursIsStoredAndUndoable();
    void tooFewImagesShowsNoTriplet();
    void anchorsComeFromMapSelection();

private:
    // A shown rater on the test project, with focus.
    bool showRater(TripletRater &rater);

    std::unique_ptr<TestProject> m_test;
};

void tst_TripletRater::init()
{
    m_test = std::make_unique<TestProject>();
    const QString error = m_test->create(8);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void tst_TripletRater::cleanup()
{
    m_test.reset();
}

bool tst_TripletRater::showRater(TripletRater &rater)
{
    rater.setAnnotator(QStringLiteral("tester"));
    rater.setProject(&m_test->project());
    rater.show();
    rater.activateWindow();
    rater.setFocus();
    return QTest::qWaitForWindowExposed(&rater);
}

void tst_TripletRater::keysRateAndUndo()
{
    TripletRater rater;
    QVERIFY(showRater(rater));
    QSignalSpy changed(&rater, &TripletRater::judgmentsChanged);

    // Answer three triplets, remembering what was shown for each.
    QVector<TripletProposal> shown;
    for (char key : {'1', '2', 't'}) {
        QVERIFY(rater.currentTriplet());
        shown.append(*rater.currentTriplet());
        QTest::keyClick(&rater, key);
    }

    QVector<Judgment> judgments = m_test->project().judgments();
    QCOMPARE(judgments.size(), 3);
    const Choice expected[] = {Choice::First, Choice::Second, Choice::Tie};
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(judgments.at(i).choice, expected[i]);
        QCOMPARE(judgments.at(i).anchorId, shown.at(i).anchorId);
        QCOMPARE(judgments.at(i).firstId, shown.at(i).firstId);
        QCOMPARE(judgments.at(i).secondId, shown.at(i).secondId);
        QCOMPARE(judgments.at(i).sampler, shown.at(i).sampler);
        QCOMPARE(judgments.at(i).annotator, QStringLiteral("tester"));
        QCOMPARE(judgments.at(i).modelVersion, m_test->project().currentModelVersion());
        QVERIFY(judgments.at(i).responseMs >= 0);
    }
    QCOMPARE(changed.count(), 3);
    QCOMPARE(rater.sessionCount(), 3);

    QTest::keyClick(&rater, Qt::Key_Z, Qt::ControlModifier);
    judgments = m_test->project().judgments();
    QCOMPARE(judgments.size(), 2);
    QCOMPARE(judgments.last().choice, Choice::Second);
    QCOMPARE(rater.sessionCount(), 2);

    // The triplet whose answer was taken back is asked again.
    QVERIFY(rater.currentTriplet());
    QCOMPARE(rater.currentTriplet()->anchorId, shown.at(2).anchorId);
    QCOMPARE(rater.currentTriplet()->firstId, shown.at(2).firstId);
    QCOMPARE(rater.currentTriplet()->secondId, shown.at(2).secondId);
}

void tst_TripletRater::keyGivesAnswer_data()
{
    QTest::addColumn<int>("key");
    QTest::addColumn<Choice>("choice");

    QTest::newRow("1 picks the first candidate") << int(Qt::Key_1) << Choice::First;
    QTest::newRow("Left picks the first candidate") << int(Qt::Key_Left) << Choice::First;
    QTest::newRow("2 picks the second candidate") << int(Qt::Key_2) << Choice::Second;
    QTest::newRow("Right picks the second candidate") << int(Qt::Key_Right) << Choice::Second;
    QTest::newRow("T cannot tell") << int(Qt::Key_T) << Choice::Tie;
    QTest::newRow("0 cannot tell") << int(Qt::Key_0) << Choice::Tie;
    QTest::newRow("S skips") << int(Qt::Key_S) << Choice::Skip;
}

void tst_TripletRater::keyGivesAnswer()
{
    QFETCH(int, key);
    QFETCH(Choice, choice);

    TripletRater rater;
    QVERIFY(showRater(rater));
    QTest::keyClick(&rater, Qt::Key(key));

    const QVector<Judgment> judgments = m_test->project().judgments();
    QCOMPARE(judgments.size(), 1);
    QCOMPARE(judgments.first().choice, choice);

    QTest::keyClick(&rater, Qt::Key_Backspace);
    QCOMPARE(m_test->project().judgmentCount(), 0);
}

void tst_TripletRater::buttonsGiveAnswers()
{
    TripletRater rater;
    QVERIFY(showRater(rater));

    QPushButton *tie = nullptr;
    for (QPushButton *button : rater.findChildren<QPushButton *>()) {
        if (button->text().contains(QStringLiteral("(T)"))) {
            tie = button;
        }
    }
    QVERIFY(tie);
    QTest::mouseClick(tie, Qt::LeftButton);

    const QVector<Judgment> judgments = m_test->project().judgments();
    QCOMPARE(judgments.size(), 1);
    QCOMPARE(judgments.first().choice, Choice::Tie);
    QVERIFY(rater.hasFocus());
}

void tst_TripletRater::redoRestoresJudgment()
{
    TripletRater rater;
    QVERIFY(showRater(rater));
    QTest::keyClick(&rater, '1');
    QTest::keyClick(&rater, '2');
    const QVector<Judgment> before = m_test->project().judgments();

    QTest::keyClick(&rater, Qt::Key_Backspace);
    QCOMPARE(m_test->project().judgmentCount(), 1);
    QTest::keyClick(&rater, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);

    const QVector<Judgment> after = m_test->project().judgments();
    QCOMPARE(after.size(), 2);
    QCOMPARE(after.last().id, before.last().id);
    QCOMPARE(after.last().choice, Choice::Second);
    QVERIFY(!rater.undoStack()->canRedo());
}

// The neighbour view's "more like this" reaches the store through the rater: with the
// rater's annotator and the neighbour sampler's name, on the same undo stack.
void tst_TripletRater::judgmentFromNeighboursIsStoredAndUndoable()
{
    TripletRater rater;
    QVERIFY(showRater(rater));
    const qint64 before = m_test->project().judgmentCount();
    const QVector<qint64> ids = m_test->project().imageIds();
    Judgment judgment;
    judgment.anchorId = ids[0];
    judgment.firstId = ids[1];
    judgment.secondId = ids[2];
    judgment.choice = Choice::First;
    judgment.sampler = QStringLiteral("neighbours-more-like-this");

    QVERIFY(rater.storeJudgment(judgment));
    const Judgment stored = m_test->project().judgments().last();
    QCOMPARE(m_test->project().judgmentCount(), before + 1);
    QCOMPARE(stored.annotator, QStringLiteral("tester"));
    QCOMPARE(stored.sampler, QStringLiteral("neighbours-more-like-this"));

    rater.undoStack()->undo();
    QCOMPARE(m_test->project().judgmentCount(), before);
}

void tst_TripletRater::tooFewImagesShowsNoTriplet()
{
    TestProject small;
    const QString error = small.create(2);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    TripletRater rater;
    rater.setProject(&small.project());
    rater.show();
    QVERIFY(QTest::qWaitForWindowExposed(&rater));
    QVERIFY(!rater.currentTriplet());

    QTest::keyClick(&rater, '1');
    QCOMPARE(small.project().judgmentCount(), 0);
}

void tst_TripletRater::anchorsComeFromMapSelection()
{
    TripletRater rater;
    QVERIFY(showRater(rater));
    const QVector<qint64> ids = m_test->project().imageIds();
    const QVector<qint64> pool = {ids[2], ids[5]};

    // While a selection is set, every anchor comes from it; answers keep the rater going.
    rater.setAnchorImages(pool);
    for (int i = 0; i < 12; ++i) {
        QVERIFY(rater.currentTriplet());
        QVERIFY(pool.contains(rater.currentTriplet()->anchorId));
        QTest::keyClick(&rater, i % 2 ? '1' : '2');
    }

    // An empty selection lets anchors come from every image again.
    rater.setAnchorImages({});
    QSet<qint64> anchors;
    for (int i = 0; i < 40; ++i) {
        anchors.insert(rater.currentTriplet()->anchorId);
        QTest::keyClick(&rater, 's');
    }
    QVERIFY(anchors.size() > 2);
}

QTEST_MAIN(tst_TripletRater)
#include "tst_tripletrater.moc"

#include "ml/modelversion.h"
#include "ml/neighbours.h"
#include "neighbourview.h"
#include "testproject.h"

#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace likeness;

class tst_NeighbourView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void judgedNeighboursAreMarked();
    void feedbackButtonsEmitAJudgment_data();
    void feedbackButtonsEmitAJudgment();

private:
    QPushButton *button(NeighbourView &view, const QString &text);

    TestProject m_test;
    std::shared_ptr<const VersionData> m_data;
};

void tst_NeighbourView::initTestCase()
{
    const QString problem = m_test.create(8);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    JobControl control;
    const auto data = loadVersionData(m_test.project(), 0, control);
    QVERIFY2(data, qPrintable(data.error()));
    m_data = *data;
}

QPushButton *tst_NeighbourView::button(NeighbourView &view, const QString &text)
{
    for (QPushButton *candidate : view.findChildren<QPushButton *>()) {
        if (candidate->text() == text) {
            return candidate;
        }
    }
    return nullptr;
}

void tst_NeighbourView::judgedNeighboursAreMarked()
{
    const QVector<qint64> ids = m_test.project().imageIds();
    Judgment judgment;
    judgment.anchorId = ids[0];
    judgment.firstId = ids[4];
    judgment.secondId = ids[5];
    judgment.choice = Choice::First;
    QVERIFY(m_test.project().addJudgment(judgment));

    NeighbourView view;
    view.setProject(&m_test.project());
    view.setVersionData(m_data);
    view.setNeighbourCount(7);
    view.showNeighboursOf(ids[0]);
    auto *list = view.findChild<QListWidget *>();
    QCOMPARE(list->count(), 7);
    int marked = 0;
    for (int row = 0; row < list->count(); ++row) {
        marked += list->item(row)->text().endsWith(QStringLiteral("\u25cf")) ? 1 : 0;
    }
    QCOMPARE(marked, 2);
}

void tst_NeighbourView::feedbackButtonsEmitAJudgment_data()
{
    QTest::addColumn<QString>("button");
    QTest::addColumn<QString>("sampler");
    QTest::newRow("more like this") << QStringLiteral("More like this") << MoreLikeThisSampler;
    QTest::newRow("not like this") << QStringLiteral("Not like this") << NotLikeThisSampler;
}

void tst_NeighbourView::feedbackButtonsEmitAJudgment()
{
    QFETCH(QString, button);
    QFETCH(QString, sampler);
    const QVector<qint64> ids = m_test.project().imageIds();
    NeighbourView view;
    view.setProject(&m_test.project());
    view.setVersionData(m_data);
    view.setNeighbourCount(5);
    view.showNeighboursOf(ids[1]);
    QPushButton *pressed = this->button(view, button);
    QVERIFY(pressed);
    QVERIFY(!pressed->isEnabled());

    auto *list = view.findChild<QListWidget *>();
    list->setCurrentRow(2);
    QVERIFY(pressed->isEnabled());
    QSignalSpy judged(&view, &NeighbourView::neighbourJudged);
    QTest::mouseClick(pressed, Qt::LeftButton);
    QCOMPARE(judged.count(), 1);
    const auto judgment = judged.first().first().value<Judgment>();
    QCOMPARE(judgment.anchorId, ids[1]);
    QCOMPARE(judgment.firstId, list->item(2)->data(Qt::UserRole + 1).toLongLong());
    QCOMPARE(judgment.sampler, sampler);
    QVERIFY(m_test.project().addJudgment(judgment));
}

QTEST_MAIN(tst_NeighbourView)
#include "tst_neighbourview.moc"

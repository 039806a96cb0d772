#include "labeleditor.h"
#include "testproject.h"

#include <QAbstractItemModel>
#include <QCompleter>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>
#include <QToolButton>
#include <QUndoStack>

using namespace likeness;

namespace {

// QTest::keyClicks() takes Latin-1 only; this types any text, one key event per character.
void typeText(QWidget *widget, const QString &text)
{
    for (const QChar ch : text) {
        const char16_t upper = ch.toUpper().unicode();
        const auto key = upper < 0x80 ? Qt::Key(upper) : Qt::Key_unknown;
        QTest::sendKeyEvent(QTest::Click, widget, key, QString(ch), Qt::NoModifier);
    }
}

} // namespace

class tst_LabelEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void enterAddsLabelToSelectedImages_data();
    void enterAddsLabelToSelectedImages();
    void removeButtonRemovesLabel();
    void completerOffersProjectLabels();
    void noSelectionDisablesInput();
    void undoAddTouchesOnlyImagesThatLackedLabel();
    void undoRemoveRestoresHumanLabel();
    void sharedUndoStackReceivesChanges();

private:
    std::unique_ptr<TestProject> m_test;
    QVector<qint64> m_ids;
};

void tst_LabelEditor::init()
{
    m_test = std::make_unique<TestProject>();
    const QString error = m_test->create(4);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_ids = m_test->project().imageIds();
    QCOMPARE(m_ids.size(), 4);
}

void tst_LabelEditor::cleanup()
{
    m_test.reset();
}

void tst_LabelEditor::enterAddsLabelToSelectedImages_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QString>("stored");

    QTest::newRow("plain name") << QStringLiteral("cat") << QStringLiteral("cat");
    QTest::newRow("surrounding spaces are trimmed") << QStringLiteral("  dog ")
                                                    << QStringLiteral("dog");
    QTest::newRow("non-ASCII name") << QStringLiteral("Größe") << QStringLiteral("Größe");
}

void tst_LabelEditor::enterAddsLabelToSelectedImages()
{
    QFETCH(QString, typed);
    QFETCH(QString, stored);

    LabelEditor editor;
    editor.setAnnotator(QStringLiteral("tester"));
    editor.setProject(&m_test->project());
    editor.setImages({m_ids.at(0), m_ids.at(2)});
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    QSignalSpy changed(&editor, &LabelEditor::labelsChanged);

    auto *input = editor.findChild<QLineEdit *>();
    QVERIFY(input);
    QVERIFY(input->isEnabled());
    typeText(input, typed);
    QTest::keyClick(input, Qt::Key_Return);

    QCOMPARE(m_test->project().labelsOfImage(m_ids.at(0)), QStringList{stored});
    QCOMPARE(m_test->project().labelsOfImage(m_ids.at(2)), QStringList{stored});
    QVERIFY(m_test->project().labelsOfImage(m_ids.at(1)).isEmpty());
    QCOMPARE(changed.count(), 1);
    QVERIFY(input->text().isEmpty());

    const QVector<QPair<QString, int>> shown = editor.shownLabels();
    QCOMPARE(shown.size(), 1);
    QCOMPARE(shown.first().first, stored);
    QCOMPARE(shown.first().second, 2);
}

void tst_LabelEditor::removeButtonRemovesLabel()
{
    QVERIFY(m_test->project().addLabel({m_ids.at(1)}, QStringLiteral("bird"), LabelSource::Human,
                                       QStringLiteral("tester")));
    LabelEditor editor;
    editor.setProject(&m_test->project());
    editor.setImages({m_ids.at(1)});
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));

    const QList<QToolButton *> buttons = editor.findChildren<QToolButton *>();
    QToolButton *remove = nullptr;
    for (QToolButton *button : buttons) {
        if (button->toolTip().contains(QStringLiteral("bird"))) {
            remove = button;
        }
    }
    QVERIFY(remove);
    QTest::mouseClick(remove, Qt::LeftButton);

    QVERIFY(m_test->project().labelsOfImage(m_ids.at(1)).isEmpty());
    QVERIFY(editor.shownLabels().isEmpty());
}

void tst_LabelEditor::completerOffersProjectLabels()
{
    QVERIFY(m_test->project().addLabel({m_ids.at(3)}, QStringLiteral("shirt"),
                                       LabelSource::Human, QStringLiteral("tester")));
    LabelEditor editor;
    editor.setProject(&m_test->project());

    auto *input = editor.findChild<QLineEdit *>();
    QVERIFY(input && input->completer());
    const QAbstractItemModel *names = input->completer()->model();
    QCOMPARE(names->rowCount(), 1);
    QCOMPARE(names->index(0, 0).data().toString(), QStringLiteral("shirt"));
}

void tst_LabelEditor::noSelectionDisablesInput()
{
    LabelEditor editor;
    editor.setProject(&m_test->project());
    editor.setImages({});

    auto *input = editor.findChild<QLineEdit *>();
    QVERIFY(input);
    QVERIFY(!input->isEnabled());
    editor.addLabel(QStringLiteral("ignored"));
    QVERIFY(m_test->project().labels().isEmpty());
}

void tst_LabelEditor::undoAddTouchesOnlyImagesThatLackedLabel()
{
    Project &project = m_test->project();
    const QString cat = QStringLiteral("cat");
    QVERIFY(project.addLabel({m_ids.at(1)}, cat, LabelSource::Human, QStringLiteral("tester")));
    LabelEditor editor;
    editor.setAnnotator(QStringLiteral("tester"));
    editor.setProject(&project);
    editor.setImages({m_ids.at(0), m_ids.at(1), m_ids.at(2)});
    QSignalSpy changed(&editor, &LabelEditor::labelsChanged);

    editor.addLabel(cat);
    for (int i : {0, 1, 2}) {
        QCOMPARE(project.labelsOfImage(m_ids.at(i)), QStringList{cat});
    }
    QCOMPARE(editor.undoStack()->count(), 1);

    editor.undoStack()->undo();
    QVERIFY(project.labelsOfImage(m_ids.at(0)).isEmpty());
    QCOMPARE(project.labelsOfImage(m_ids.at(1)), QStringList{cat});
    QVERIFY(project.labelsOfImage(m_ids.at(2)).isEmpty());
    QCOMPARE(editor.shownLabels().size(), 1);
    QCOMPARE(editor.shownLabels().first().second, 1);

    editor.undoStack()->redo();
    for (int i : {0, 1, 2}) {
        QCOMPARE(project.labelsOfImage(m_ids.at(i)), QStringList{cat});
    }
    QVERIFY(project.labelsOfImage(m_ids.at(3)).isEmpty());
    QCOMPARE(changed.count(), 3);
}

void tst_LabelEditor::undoRemoveRestoresHumanLabel()
{
    Project &project = m_test->project();
    const QString dog = QStringLiteral("dog");
    QVERIFY(project.addLabel({m_ids.at(0), m_ids.at(2)}, dog, LabelSource::Imported, {}));
    LabelEditor editor;
    editor.setAnnotator(QStringLiteral("tester"));
    editor.setProject(&project);
    editor.setImages({m_ids.at(0), m_ids.at(1), m_ids.at(2)});

    editor.removeLabel(dog);
    for (int i : {0, 1, 2}) {
        QVERIFY(project.labelsOfImage(m_ids.at(i)).isEmpty());
    }

    editor.undoStack()->undo();
    QCOMPARE(project.labelsOfImage(m_ids.at(0)), QStringList{dog});
    QVERIFY(project.labelsOfImage(m_ids.at(1)).isEmpty());
    QCOMPARE(project.labelsOfImage(m_ids.at(2)), QStringList{dog});

    QSqlQuery query(project.database());
    QVERIFY(query.exec(QStringLiteral(
        "SELECT c.source, a.name FROM image_labels il"
        " JOIN label_changes c ON c.id = il.change_id"
        " LEFT JOIN annotators a ON a.id = c.annotator_id")));
    int rows = 0;
    while (query.next()) {
        QCOMPARE(query.value(0).toString(), LabelSource::Human);
        QCOMPARE(query.value(1).toString(), QStringLiteral("tester"));
        ++rows;
    }
    QCOMPARE(rows, 2);

    editor.undoStack()->redo();
    QVERIFY(project.labelsOfImage(m_ids.at(0)).isEmpty());
    QVERIFY(project.labelsOfImage(m_ids.at(2)).isEmpty());
}

void tst_LabelEditor::sharedUndoStackReceivesChanges()
{
    QUndoStack shared;
    LabelEditor editor;
    editor.setUndoStack(&shared);
    editor.setProject(&m_test->project());
    editor.setImages({m_ids.at(3)});

    editor.addLabel(QStringLiteral("tree"));
    QCOMPARE(shared.count(), 1);
    shared.undo();
    QVERIFY(m_test->project().labelsOfImage(m_ids.at(3)).isEmpty());

    editor.addLabel(QStringLiteral("tree"));
    editor.addLabel(QStringLiteral("tree"));
    QCOMPARE(shared.count(), 1);
    editor.setUndoStack(nullptr);
    QCOMPARE(editor.undoStack()->count(), 0);
}

QTEST_MAIN(tst_LabelEditor)
#include "tst_labeleditor.moc"

#include "importreportdialog.h"
#include "io/labelscsv.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QLabel>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QTest>

using namespace likeness;

class tst_ImportReportDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void listsCountsAndEveryNamedFile();
    void savesTheTableAsCsv();
    void cleanImportHasNothingToSave();

private:
    static ImportReport sampleReport();
};

ImportReport tst_ImportReportDialog::sampleReport()
{
    ImportReport report;
    report.filesSeen = 7;
    report.added = 3;
    report.moved = 1;
    report.duplicates = 1;
    report.missing = 1;
    report.skipped = {{QStringLiteral("/photos/cut.jpg"), QStringLiteral("corrupt"),
                       QStringLiteral("the JPEG data is truncated")},
                      {QStringLiteral("/photos/notes.jpg"), QStringLiteral("unsupported"),
                       QStringLiteral("not an image")},
                      {QStringLiteral("/photos/empty.png"), QStringLiteral("corrupt"),
                       QStringLiteral("the file is empty")}};
    report.duplicateFiles = {{QStringLiteral("/photos/b.jpg"), QStringLiteral("duplicate"),
                              QStringLiteral("same content as /photos/a.jpg")}};
    report.movedFiles = {{QStringLiteral("/photos/new/c.jpg"), QStringLiteral("moved"),
                          QStringLiteral("moved from /photos/c.jpg")}};
    report.missingFiles = {{QStringLiteral("/photos/gone.jpg"), QStringLiteral("missing"),
                            QStringLiteral("the file was deleted or moved")}};
    return report;
}

void tst_ImportReportDialog::listsCountsAndEveryNamedFile()
{
    ImportReportDialog dialog(sampleReport());
    QAbstractItemModelTester tester(dialog.fileModel());
    QCOMPARE(dialog.fileModel()->rowCount(), 6);
    QCOMPARE(dialog.fileModel()->columnCount(), 3);
    QCOMPARE(dialog.fileModel()->index(0, 2).data().toString(),
             QStringLiteral("the JPEG data is truncated"));
    QCOMPARE(dialog.fileModel()->index(5, 1).data().toString(), QStringLiteral("missing"));

    const QString summary = dialog.summaryText();
    QVERIFY2(summary.contains(QStringLiteral("Added: 3")), qPrintable(summary));
    QVERIFY2(summary.contains(QStringLiteral("moved: 1")), qPrintable(summary));
    QVERIFY2(summary.contains(QStringLiteral("Skipped: 3 (corrupt: 2, unsupported: 1)")),
             qPrintable(summary));
    QCOMPARE(dialog.findChild<QLabel *>()->text(), summary);
}

void tst_ImportReportDialog::savesTheTableAsCsv()
{
    ImportReportDialog dialog(sampleReport());
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("report.csv"));
    QVERIFY(dialog.saveCsv(file));

    QFile csv(file);
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QVector<QStringList> rows = parseCsv(QString::fromUtf8(csv.readAll()));
    QCOMPARE(rows.size(), 7);
    QCOMPARE(rows[2], (QStringList{QStringLiteral("/photos/notes.jpg"),
                                   QStringLiteral("unsupported"),
                                   QStringLiteral("not an image")}));
    QCOMPARE(rows[5][0], QStringLiteral("/photos/new/c.jpg"));
}

void tst_ImportReportDialog::cleanImportHasNothingToSave()
{
    ImportReport report;
    report.filesSeen = 2;
    report.added = 2;
    ImportReportDialog dialog(report);
    QCOMPARE(dialog.fileModel()->rowCount(), 0);
    QVERIFY(dialog.summaryText().contains(QStringLiteral("No file was skipped.")));
}

QTEST_MAIN(tst_ImportReportDialog)
#include "tst_importreportdialog.moc"

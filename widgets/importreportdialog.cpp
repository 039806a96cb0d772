#include "importreportdialog.h"

#include "guilogging.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

namespace likeness {

ImportReportDialog::ImportReportDialog(const ImportReport &report, QWidget *parent)
    : QDialog(parent), m_report(report)
{
    setWindowTitle(tr("Import Report"));
    m_summary = new QLabel(summaryText(), this);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_files = new QStandardItemModel(0, 3, this);
    m_files->setHorizontalHeaderLabels({tr("File"), tr("Status"), tr("Reason")});
    for (const auto *list : {&m_report.skipped, &m_report.duplicateFiles, &m_report.movedFiles,
                             &m_report.missingFiles}) {
        for (const ReportedFile &file : *list) {
            QList<QStandardItem *> row{new QStandardItem(QDir::toNativeSeparators(file.path)),
                                       new QStandardItem(file.status),
                                       new QStandardItem(file.reason)};
            for (QStandardItem *item : row) {
                item->setEditable(false);
            }
            m_files->appendRow(row);
        }
    }

    m_table = new QTableView(this);
    m_table->setModel(m_files);
    // Rows keep the report's order until the user sorts by a column.
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_table->setSortingEnabled(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->resizeColumnToContents(1);
    m_table->setVisible(m_files->rowCount() > 0);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *save = buttons->addButton(tr("Save as CSV…"), QDialogButtonBox::ActionRole);
    save->setEnabled(m_files->rowCount() > 0);
    connect(save, &QPushButton::clicked, this, &ImportReportDialog::chooseFileAndSave);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_table, 1);
    layout->addWidget(buttons);
    resize(m_files->rowCount() > 0 ? QSize(900, 500) : QSize(480, 160));
}

QString ImportReportDialog::summaryText() const
{
    QStringList lines;
    lines << tr("%n file(s) seen in %1 s.", nullptr, int(m_report.filesSeen))
                 .arg(m_report.seconds, 0, 'f', 1);
    lines << tr("Added: %1, updated: %2, unchanged: %3, moved: %4, duplicates: %5, "
                "deleted since the last import: %6.")
                 .arg(m_report.added)
                 .arg(m_report.updated)
                 .arg(m_report.unchanged)
                 .arg(m_report.moved)
                 .arg(m_report.duplicates)
                 .arg(m_report.missing);
    const QMap<QString, qint64> skipped = m_report.skippedByStatus();
    QStringList parts;
    for (auto it = skipped.cbegin(); it != skipped.cend(); ++it) {
        parts << tr("%1: %2").arg(it.key()).arg(it.value());
    }
    lines << (parts.isEmpty() ? tr("No file was skipped.")
                              : tr("Skipped: %1 (%2).").arg(m_report.skipped.size())
                                    .arg(parts.join(QStringLiteral(", "))));
    if (m_report.canceled) {
        lines << tr("The import was cancelled; import the folder again to finish it.");
    }
    return lines.join(u'\n');
}

Status ImportReportDialog::saveCsv(const QString &file) const
{
    return writeImportReportCsv(m_report, file);
}

void ImportReportDialog::chooseFileAndSave()
{
    const QString file = QFileDialog::getSaveFileName(
        this, tr("Save Import Report"), QDir::home().filePath(QStringLiteral("import-report.csv")),
        tr("CSV files (*.csv)"));
    if (file.isEmpty()) {
        return;
    }
    if (Status status = saveCsv(file); !status) {
        qCWarning(lcGui) << "Cannot save the import report:" << status.error();
        QMessageBox::warning(this, tr("Save Import Report"), status.error());
    }
}

} // namespace likeness

#pragma once

#include "io/importer.h"
#include "result.h"

#include <QDialog>

class QLabel;
class QStandardItemModel;
class QTableView;

namespace likeness {

// Shows what an import did: the counts per outcome and a table of every file that was
// skipped (with its reason), found twice, moved or deleted. "Save as CSV…" writes the same
// table (see writeImportReportCsv()).
//
// The table model has one row per named file and three columns: path, status, reason.
class ImportReportDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ImportReportDialog(const ImportReport &report, QWidget *parent = nullptr);

    QString summaryText() const;
    QStandardItemModel *fileModel() const { return m_files; }

    // Writes the report as CSV to file; the Save button asks for the file and calls this.
    Status saveCsv(const QString &file) const;

private:
    void chooseFileAndSave();

    ImportReport m_report;
    QLabel *m_summary = nullptr;
    QStandardItemModel *m_files = nullptr;
    QTableView *m_table = nullptr;
};

} // namespace likeness

#pragma once

#include "result.h"

#include <QString>
#include <QStringList>

namespace likeness {

class Project;

struct LabelCsvOptions
{
    QString imageColumn;  // matched against image paths, then file names, then file stems
    QString labelsColumn;
    QString separator = QStringLiteral(","); // between labels inside the labels field
};

struct LabelCsvReport
{
    qint64 rows = 0;
    qint64 matchedImages = 0;
    qint64 assignments = 0;
    qint64 labels = 0;
    QStringList unmatched; // image column values that matched no image (first 100)
    qint64 unmatchedCount = 0;
    QStringList ambiguous; // values whose file name or stem fits several images (first 100)
    qint64 ambiguousCount = 0;
};

// Reads an RFC 4180 CSV (UTF-8, quoted fields may hold separators, quotes and newlines)
// and replaces the labels of each matched image with the labels in its rows (an empty field
// removes them). A value that matches several images by file name or stem labels none of them
// and is reported as ambiguous. Text that is not UTF-8 or has an unclosed quote is refused.
Result<LabelCsvReport> importLabelsCsv(Project &project, const QString &csvPath,
                                       const LabelCsvOptions &options);
// Writes "image,labels" rows, one per image with at least one label, labels joined by ",".
// Never writes over the project's own files; an existing file is replaced only when
// overwrite is true.
Status exportLabelsCsv(const Project &project, const QString &csvPath, bool overwrite = false);

// Splits one CSV document into rows of fields (RFC 4180). When a quoted field is still open
// at the end, *unclosedQuoteRow (if given) receives its 1-based row number, else 0.
QVector<QStringList> parseCsv(const QString &text, qsizetype *unclosedQuoteRow = nullptr);
QString csvField(const QString &value);

} // namespace likeness

#include "labelscsv.h"

#include "logging.h"
#include "store/project.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStringConverter>
#include <QTextStream>

namespace likeness {

QVector<QStringList> parseCsv(const QString &text, qsizetype *unclosedQuoteRow)
{
    QVector<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false;
    bool fieldStarted = false;
    qsizetype quoteRow = 0;

    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == u'"' && i + 1 < text.size() && text[i + 1] == u'"') {
                field += u'"';
                ++i;
            } else if (c == u'"') {
                quoted = false;
            } else {
                field += c;
            }
            continue;
        }

        if (c == u'"' && !fieldStarted) {
            quoted = true;
            fieldStarted = true;
            quoteRow = rows.size() + 1;
        } else if (c == u',') {
            row.append(field);
            field.clear();
            fieldStarted = false;
        } else if (c == u'\n' || c == u'\r') {
            if (c == u'\r' && i + 1 < text.size() && text[i + 1] == u'\n') {
                ++i;
            }
            row.append(field);
            rows.append(row);
            row.clear();
            field.clear();
            fieldStarted = false;
        } else {
            field += c;
            fieldStarted = true;
        }
    }
    if (fieldStarted || !row.isEmpty()) {
        row.append(field);
        rows.append(row);
    }
    if (unclosedQuoteRow) {
        *unclosedQuoteRow = quoted ? quoteRow : 0;
    }
    return rows;
}

QString csvField(const QString &value)
{
    const bool needsQuotes = value.contains(u',') || value.contains(u'"')
                             || value.contains(u'\n') || value.contains(u'\r')
                             || value.startsWith(u' ') || value.endsWith(u' ');
    if (!needsQuotes) {
        return value;
    }
    QString escaped = value;
    escaped.replace(u'"', QStringLiteral("\"\""));
    return u'"' + escaped + u'"';
}

Result<LabelCsvReport> importLabelsCsv(Project &project, const QString &csvPath,
                                       const LabelCsvOptions &options)
{
    QFile file(csvPath);
    if (!file.open(QIODevice::ReadOnly)) {
        return Result<LabelCsvReport>::failure(
            QStringLiteral("Cannot read %1: %2").arg(csvPath, file.errorString()));
    }
    QStringDecoder decode(QStringConverter::Utf8);
    QString text = decode(file.readAll());
    if (decode.hasError()) {
        return Result<LabelCsvReport>::failure(
            QStringLiteral("%1 is not UTF-8 text; save it as UTF-8 (CSV UTF-8) and import it "
                           "again. Nothing was changed.").arg(csvPath));
    }
    if (text.startsWith(QChar(0xFEFF))) {
        text.remove(0, 1);
    }
    qsizetype unclosedRow = 0;
    const QVector<QStringList> rows = parseCsv(text, &unclosedRow);
    if (rows.isEmpty()) {
        return Result<LabelCsvReport>::failure(QStringLiteral("%1 is empty.").arg(csvPath));
    }
    if (unclosedRow > 0) {
        return Result<LabelCsvReport>::failure(
            QStringLiteral("%1 has a quote opened in row %2 that is never closed; fix the file "
                           "and import it again. Nothing was changed.").arg(csvPath)
                .arg(unclosedRow));
    }

    const QStringList header = rows.first();
    const qsizetype imageColumn = header.indexOf(options.imageColumn);
    const qsizetype labelsColumn = header.indexOf(options.labelsColumn);
    if (imageColumn < 0 || labelsColumn < 0) {
        return Result<LabelCsvReport>::failure(
            QStringLiteral("%1 has no column named '%2'. Its columns are: %3")
                .arg(csvPath, imageColumn < 0 ? options.imageColumn : options.labelsColumn,
                     header.join(QStringLiteral(", "))));
    }
    if (options.separator.isEmpty()) {
        return Result<LabelCsvReport>::failure(
            QStringLiteral("The label separator cannot be empty."));
    }

    // An image is found by its path (absolute or relative to the CSV), then by file name or
    // stem, so a column of bare identifiers such as OpenMoji's hexcodes works too. A name that
    // several images share maps to AmbiguousImage.
    constexpr qint64 AmbiguousImage = -1;
    QHash<QString, qint64> byName;
    for (const ImageRecord &record : project.imagesUnder(QStringLiteral("/"))) {
        const QFileInfo info(record.path);
        for (const QString &name : {info.fileName(), info.completeBaseName()}) {
            const auto known = byName.constFind(name);
            byName.insert(name, known == byName.cend() || known.value() == record.id
                                    ? record.id
                                    : AmbiguousImage);
        }
    }
    const QString csvFolder = QFileInfo(csvPath).absolutePath();
    auto findImage = [&](const QString &value) -> qint64 {
        for (const QString &path : {value, csvFolder + u'/' + value}) {
            if (const auto record = project.imageByPath(path)) {
                return record->id;
            }
        }
        return byName.value(value, 0);
    };

    LabelCsvReport report;
    QHash<qint64, QStringList> labelsByImage;
    QSet<QString> distinct;
    for (qsizetype r = 1; r < rows.size(); ++r) {
        const QStringList &row = rows[r];
        if (row.size() == 1 && row.first().isEmpty()) {
            continue;
        }
        ++report.rows;
        const QString key = row.value(imageColumn).trimmed();
        const qint64 imageId = key.isEmpty() ? 0 : findImage(key);
        if (imageId == AmbiguousImage) {
            ++report.ambiguousCount;
            if (report.ambiguous.size() < 100) {
                report.ambiguous.append(key);
            }
            continue;
        }
        if (imageId == 0) {
            ++report.unmatchedCount;
            if (report.unmatched.size() < 100) {
                report.unmatched.append(key);
            }
            continue;
        }

        QStringList names;
        for (const QString &part : row.value(labelsColumn).split(options.separator)) {
            const QString name = Project::normalizedLabelName(part);
            if (!name.isEmpty() && !names.contains(name)) {
                names.append(name);
                distinct.insert(name);
            }
        }
        QStringList &stored = labelsByImage[imageId];
        for (const QString &name : std::as_const(names)) {
            if (!stored.contains(name)) {
                stored.append(name);
            }
        }
    }

    // TODO(#6): a CSV of tens of millions of rows should take Project::addLabelAssignments'
    // bulk path when it only adds; setImageLabels writes row by row (~100k rows/s).
    if (Status status = project.setImageLabels(labelsByImage, LabelSource::Imported, {});
        !status) {
        return Result<LabelCsvReport>::failure(status.error());
    }
    report.matchedImages = labelsByImage.size();
    for (const QStringList &names : std::as_const(labelsByImage)) {
        report.assignments += names.size();
    }
    report.labels = distinct.size();
    qCInfo(lcImport) << "labels imported from" << csvPath << ":" << report.assignments
                     << "assignments," << report.unmatchedCount << "rows unmatched";
    return report;
}

namespace {

// Where writing `path` would really land: symbolic links (of the file, or of any folder above
// it) followed, so that a link cannot lead a write onto the project's own files.
QFileInfo resolvedTarget(const QString &path)
{
    QFileInfo info(path);
    for (int hops = 0; info.isSymLink() && hops < 40; ++hops) {
        info = QFileInfo(info.symLinkTarget());
    }
    const QString folder = QFileInfo(info.absolutePath()).canonicalFilePath();
    return folder.isEmpty() ? info : QFileInfo(QDir(folder).filePath(info.fileName()));
}

} // namespace

Status exportLabelsCsv(const Project &project, const QString &csvPath, bool overwrite)
{
    const QFileInfo target = resolvedTarget(csvPath);
    const QString name = target.fileName();
    if (target.absolutePath() == QFileInfo(project.folder()).canonicalFilePath()
        && (name.startsWith(QStringLiteral("project.sqlite"))
            || name.startsWith(QStringLiteral("thumbs.sqlite"))
            || name.startsWith(QStringLiteral("project.lock")))) {
        return Status::failure(QStringLiteral("%1 is one of the project's own database files; "
                                              "choose another file name for the CSV.")
                                   .arg(csvPath));
    }
    if (target.isDir()) {
        return Status::failure(QStringLiteral("%1 is a folder; give a file name.").arg(csvPath));
    }
    if (target.exists() && !overwrite) {
        return Status::failure(QStringLiteral("%1 exists already; choose another name or allow "
                                              "overwriting it (--overwrite).").arg(csvPath));
    }

    QSaveFile file(csvPath);
    if (!file.open(QIODevice::WriteOnly)) {
        return Status::failure(QStringLiteral("Cannot write %1: %2")
                                   .arg(csvPath, file.errorString()));
    }

    QHash<qint64, QString> nameOf;
    for (const LabelRecord &label : project.labels()) {
        nameOf.insert(label.id, label.name);
    }
    QTextStream out(&file);
    out.setEncoding(QStringConverter::Utf8);
    out << "image,labels\n";

    // TODO(#6): a label that contains "," is split again when the file is imported back.
    const QVector<QPair<qint64, qint64>> pairs = project.labelAssignments();
    for (qsizetype i = 0; i < pairs.size();) {
        const qint64 imageId = pairs[i].first;
        QStringList names;
        for (; i < pairs.size() && pairs[i].first == imageId; ++i) {
            names.append(nameOf.value(pairs[i].second));
        }
        const auto record = project.image(imageId);
        out << csvField(record ? record->path : QString::number(imageId)) << ','
            << csvField(names.join(u',')) << '\n';
    }

    out.flush();
    if (!file.commit()) {
        return Status::failure(QStringLiteral("Cannot write %1: %2")
                                   .arg(csvPath, file.errorString()));
    }
    return {};
}

} // namespace likeness

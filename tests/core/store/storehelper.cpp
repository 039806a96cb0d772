// A second process for the store's tests: it holds a project open, or writes to it, so that
// the tests can see what another program (or a crash of one) does to a project.
//
//   likeness-store-helper hold FOLDER          open for writing, print "held", wait for stdin
//   likeness-store-helper write FOLDER COUNT   add COUNT judgments and labels (0: forever),
//                                              printing each one once it is committed
//
// Exit code 0 on success, 1 with the error on stderr when the project cannot be opened.
#include "store/project.h"

#include <QCoreApplication>
#include <QTextStream>

using namespace likeness;

namespace {

QVector<qint64> ensureImages(Project &project)
{
    QVector<qint64> ids = project.imageIds();
    if (ids.size() >= 3) {
        return ids;
    }
    QVector<ImageRecord> records;
    for (int i = 0; i < 3; ++i) {
        ImageRecord record;
        record.path = QStringLiteral("/helper/%1.png").arg(i);
        record.status = ImageStatus::Ok;
        records.append(record);
    }
    if (!project.upsertImages(records)) {
        return {};
    }
    return project.imageIds();
}

int write(Project &project, qint64 count, QTextStream &out, QTextStream &err)
{
    const QVector<qint64> ids = ensureImages(project);
    if (ids.size() < 3) {
        err << "cannot add images\n";
        return 1;
    }

    for (qint64 i = 0; count == 0 || i < count; ++i) {
        const Judgment judgment{0, ids[0], ids[1], ids[2], Choice::First,
                                QStringLiteral("helper"), QStringLiteral("test"), 0, i, {}};
        const Result<qint64> id = project.addJudgment(judgment);
        if (!id) {
            err << id.error() << Qt::endl;
            return 1;
        }
        out << "judgment " << *id << Qt::endl;

        const QString label = QStringLiteral("label%1").arg(i);
        if (Status status = project.addLabel({ids[i % 3]}, label, LabelSource::Human,
                                             QStringLiteral("helper"));
            !status) {
            err << status.error() << Qt::endl;
            return 1;
        }
        out << "label " << label << Qt::endl;
    }
    return 0;
}

// Bulk label loads of 4,000 images × 60 labels, one new set of labels per load, for ever;
// prints "bulk N ASSIGNMENTS" after each load has committed.
int bulk(Project &project, QTextStream &out, QTextStream &err)
{
    constexpr int Images = 4000;
    constexpr int LabelsPerLoad = 60;

    QVector<ImageRecord> records;
    for (int i = records.size(); i < Images; ++i) {
        ImageRecord record;
        record.path = QStringLiteral("/bulk/%1.png").arg(i);
        record.status = ImageStatus::Ok;
        records.append(record);
    }
    if (Status status = project.upsertImages(records); !status) {
        err << status.error() << Qt::endl;
        return 1;
    }

    for (int load = int(project.labels().size()) / LabelsPerLoad;; ++load) {
        QVector<QPair<qint64, qint64>> pairs;
        for (int l = 0; l < LabelsPerLoad; ++l) {
            const Result<qint64> label =
                project.labelId(QStringLiteral("bulk%1-%2").arg(load).arg(l), true);
            if (!label) {
                err << label.error() << Qt::endl;
                return 1;
            }
            for (const ImageRecord &record : std::as_const(records)) {
                pairs.append({record.id, *label});
            }
        }
        if (Status status = project.addLabelAssignments(pairs, LabelSource::Imported);
            !status) {
            err << status.error() << Qt::endl;
            return 1;
        }
        out << "bulk " << load << " " << project.labelAssignmentCount() << Qt::endl;
    }
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    QTextStream err(stderr);
    const QStringList arguments = app.arguments();
    if (arguments.size() < 3) {
        err << "usage: likeness-store-helper hold|write|bulk FOLDER [COUNT]\n";
        return 2;
    }

    auto project = Project::open(arguments[2]);
    if (!project) {
        err << project.error() << Qt::endl;
        return 1;
    }

    if (arguments[1] == QStringLiteral("hold")) {
        out << "held" << Qt::endl;
        QTextStream(stdin).readLine();
        return 0;
    }
    if (arguments[1] == QStringLiteral("write") && arguments.size() > 3) {
        return write(**project, arguments[3].toLongLong(), out, err);
    }
    if (arguments[1] == QStringLiteral("bulk")) {
        return bulk(**project, out, err);
    }
    err << "unknown mode " << arguments[1] << "\n";
    return 2;
}

#pragma once

#include "io/importer.h"
#include "store/project.h"

#include <QColor>
#include <QDir>
#include <QImage>
#include <QPainter>
#include <QTemporaryDir>

#include <memory>

// A real project in a temporary folder, holding `count` small PNG images the test draws
// itself (each a different colour with a stripe), imported through the normal importer.
class TestProject
{
public:
    // Returns an empty string on success, else what went wrong.
    QString create(int count)
    {
        if (!m_dir.isValid()) {
            return QStringLiteral("no temporary folder: %1").arg(m_dir.errorString());
        }

        const QString images = m_dir.filePath(QStringLiteral("images"));
        QDir().mkpath(images);
        for (int i = 0; i < count; ++i) {
            QImage image(64, 48, QImage::Format_RGB32);
            image.fill(QColor::fromHsv((i * 360 / qMax(1, count)) % 360, 200, 220));
            QPainter painter(&image);
            painter.fillRect(0, (i * 7) % 40, 64, 8, Qt::black);
            painter.end();
            const QString name = QStringLiteral("img_%1.png").arg(i, 2, 10, QChar(u'0'));
            const QString path = QDir(images).filePath(name);
            if (!image.save(path)) {
                return QStringLiteral("could not write %1").arg(path);
            }
        }

        auto created = likeness::Project::create(m_dir.filePath(QStringLiteral("project")));
        if (!created) {
            return created.error();
        }
        m_project = std::move(*created);

        likeness::JobControl control;
        const auto report = likeness::importImages(*m_project, {images}, control);
        if (!report) {
            return report.error();
        }
        if (report->added != count) {
            return QStringLiteral("imported %1 of %2 images").arg(report->added).arg(count);
        }
        return {};
    }

    likeness::Project &project() { return *m_project; }
    QString folder() const { return m_dir.path(); }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<likeness::Project> m_project;
};

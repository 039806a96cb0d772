#pragma once

#include <QVector>
#include <QWidget>

class QCompleter;
class QLabel;
class QLineEdit;
class QListWidget;
class QStringListModel;

namespace likeness {

class Project;

// Labels of the selected images. Typing a name (completed from every label in the project)
// and pressing Enter adds it to all selected images as a human label; the list shows the
// labels any of them carry, with how many of them do, and a button to remove each one from
// all of them. Every change is stored at once through the GUI thread's Project.
class LabelEditor : public QWidget
{
    Q_OBJECT

public:
    explicit LabelEditor(QWidget *parent = nullptr);

    // project must outlive the editor or be replaced first; null clears it.
    void setProject(Project *project);
    void setAnnotator(const QString &name) { m_annotator = name; }
    void setImages(const QVector<qint64> &imageIds);
    QVector<qint64> images() const { return m_imageIds; }

    // Labels the selected images carry, by name, with how many of them carry each.
    QVector<QPair<QString, int>> shownLabels() const { return m_shown; }

public Q_SLOTS:
    void addLabel(const QString &name);
    void removeLabel(const QString &name);

Q_SIGNALS:
    void labelsChanged();

private:
    void addTypedLabel();
    void refresh();
    void refreshCompletions();

    Project *m_project = nullptr;
    QString m_annotator;
    QVector<qint64> m_imageIds;
    QVector<QPair<QString, int>> m_shown;

    QLabel *m_title = nullptr;
    QLineEdit *m_input = nullptr;
    QStringListModel *m_names = nullptr;
    QCompleter *m_completer = nullptr;
    QListWidget *m_list = nullptr;
    QLabel *m_message = nullptr;
};

} // namespace likeness

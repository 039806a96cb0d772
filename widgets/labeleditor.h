#pragma once

#include <QVector>
#include <QWidget>

class QCompleter;
class QLabel;
class QLineEdit;
class QListWidget;
class QStringListModel;
class QUndoStack;

namespace likeness {

class Project;

// Labels of the selected images. Typing a name (completed from every label in the project)
// and pressing Enter adds it to all selected images as a human label; the list shows the
// labels any of them carry, with how many of them do, and a button to remove each one from
// all of them. Every change is stored at once through the GUI thread's Project and pushed
// on the undo stack: undo touches only the images the change touched (an image that already
// carried an added label keeps it), and a removed label comes back as a human label of the
// current annotator.
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

    // The stack label changes are pushed on: the editor's own until another is set (the main
    // window shares one with the triplet rater). stack must outlive the editor; null goes
    // back to the editor's own. Changing the project clears the stack in use.
    QUndoStack *undoStack() const { return m_undoStack; }
    void setUndoStack(QUndoStack *stack);

    // Adds (add true) or removes the label name on exactly imageIds, then refreshes; used by
    // the undo commands. False, with the reason shown, when the project refused it.
    bool applyLabel(const QVector<qint64> &imageIds, const QString &name, bool add);

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

    QVector<qint64> imagesWithLabel(const QString &name, bool carrying) const;

    Project *m_project = nullptr;
    QString m_annotator;
    QUndoStack *m_ownUndoStack = nullptr;
    QUndoStack *m_undoStack = nullptr;
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

#include "labeleditor.h"

#include "guilogging.h"
#include "store/project.h"

#include <QCompleter>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMap>
#include <QStringListModel>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>

namespace likeness {

// One stored label change on the undo stack: the label added to or removed from exactly the
// images it changed. It is pushed after the change was stored, so the first redo() (which
// QUndoStack::push() calls) does nothing.
class LabelCommand : public QUndoCommand
{
public:
    LabelCommand(LabelEditor *editor, const QVector<qint64> &imageIds, const QString &name,
                 bool add)
        : QUndoCommand(add ? LabelEditor::tr("add label “%1”").arg(name)
                           : LabelEditor::tr("remove label “%1”").arg(name))
        , m_editor(editor)
        , m_imageIds(imageIds)
        , m_name(name)
        , m_add(add)
    {
    }

    void undo() override
    {
        if (!m_editor->applyLabel(m_imageIds, m_name, !m_add)) {
            setObsolete(true);
        }
    }

    void redo() override
    {
        if (m_pushed) {
            m_pushed = false;
            return;
        }
        if (!m_editor->applyLabel(m_imageIds, m_name, m_add)) {
            setObsolete(true);
        }
    }

private:
    LabelEditor *m_editor;
    QVector<qint64> m_imageIds;
    QString m_name;
    bool m_add;
    bool m_pushed = true;
};

LabelEditor::LabelEditor(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_input(new QLineEdit(this))
    , m_names(new QStringListModel(this))
    , m_completer(new QCompleter(m_names, this))
    , m_list(new QListWidget(this))
    , m_message(new QLabel(this))
{
    m_ownUndoStack = new QUndoStack(this);
    m_undoStack = m_ownUndoStack;

    m_title->setWordWrap(true);
    m_input->setPlaceholderText(tr("Add a label and press Enter"));
    m_input->setToolTip(tr("The label is added to every selected image"));
    m_input->setClearButtonEnabled(true);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setFilterMode(Qt::MatchContains);
    m_input->setCompleter(m_completer);
    connect(m_input, &QLineEdit::returnPressed, this, &LabelEditor::addTypedLabel);

    m_list->setSelectionMode(QAbstractItemView::NoSelection);
    m_message->setWordWrap(true);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_input);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_message);
    refresh();
}

void LabelEditor::setUndoStack(QUndoStack *stack)
{
    m_undoStack = stack ? stack : m_ownUndoStack;
}

void LabelEditor::setProject(Project *project)
{
    m_undoStack->clear();
    m_project = project;
    m_imageIds.clear();
    refreshCompletions();
    refresh();
}

void LabelEditor::setImages(const QVector<qint64> &imageIds)
{
    m_imageIds = imageIds;
    m_message->clear();
    refresh();
}

void LabelEditor::addTypedLabel()
{
    const QString name = m_input->text().trimmed();
    if (name.isEmpty()) {
        return;
    }
    addLabel(name);
}

void LabelEditor::addLabel(const QString &name)
{
    if (!m_project || m_imageIds.isEmpty()) {
        return;
    }

    // Only the images without the label change, so undo leaves the others as they were.
    const QVector<qint64> missing = imagesWithLabel(name, false);
    if (missing.isEmpty()) {
        m_input->clear();
        return;
    }
    if (!applyLabel(missing, name, true)) {
        return;
    }

    m_input->clear();
    m_undoStack->push(new LabelCommand(this, missing, name, true));
}

void LabelEditor::removeLabel(const QString &name)
{
    if (!m_project || m_imageIds.isEmpty()) {
        return;
    }

    const QVector<qint64> carrying = imagesWithLabel(name, true);
    if (carrying.isEmpty() || !applyLabel(carrying, name, false)) {
        return;
    }
    m_undoStack->push(new LabelCommand(this, carrying, name, false));
}

bool LabelEditor::applyLabel(const QVector<qint64> &imageIds, const QString &name, bool add)
{
    if (!m_project) {
        return false;
    }

    const Status status = add
        ? m_project->addLabel(imageIds, name, LabelSource::Human, m_annotator)
        : m_project->removeLabel(imageIds, name, m_annotator);
    if (!status) {
        qCWarning(lcGui) << (add ? "Could not add label" : "Could not remove label") << name
                         << ":" << status.error();
        m_message->setText(add ? tr("Could not add “%1”: %2").arg(name, status.error())
                               : tr("Could not remove “%1”: %2").arg(name, status.error()));
        return false;
    }

    m_message->clear();
    refreshCompletions();
    refresh();
    Q_EMIT labelsChanged();
    return true;
}

QVector<qint64> LabelEditor::imagesWithLabel(const QString &name, bool carrying) const
{
    const QString normalized = Project::normalizedLabelName(name);
    QVector<qint64> ids;
    for (qint64 id : std::as_const(m_imageIds)) {
        if (m_project->labelsOfImage(id).contains(normalized) == carrying) {
            ids.append(id);
        }
    }
    return ids;
}

void LabelEditor::refreshCompletions()
{
    QStringList names;
    if (m_project) {
        for (const LabelRecord &label : m_project->labels()) {
            names.append(label.name);
        }
    }
    m_names->setStringList(names);
}

void LabelEditor::refresh()
{
    m_list->clear();
    m_shown.clear();
    const bool editable = m_project && !m_imageIds.isEmpty();
    m_input->setEnabled(editable);
    if (!m_project) {
        m_title->setText(tr("No project open."));
        return;
    }
    if (m_imageIds.isEmpty()) {
        m_title->setText(tr("Select images in the gallery to label them."));
        return;
    }
    m_title->setText(m_imageIds.size() == 1
                         ? tr("Labels of the selected image:")
                         : tr("Labels of the %1 selected images:").arg(m_imageIds.size()));

    // TODO(#6): one query for the labels of a large selection instead of one per image.
    QMap<QString, int> counts;
    for (qint64 id : std::as_const(m_imageIds)) {
        for (const QString &name : m_project->labelsOfImage(id)) {
            ++counts[name];
        }
    }
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        m_shown.append({it.key(), it.value()});
    }
    if (m_shown.isEmpty()) {
        auto *item = new QListWidgetItem(tr("No labels yet."), m_list);
        item->setFlags(Qt::NoItemFlags);
        return;
    }

    for (const auto &shown : std::as_const(m_shown)) {
        const QString name = shown.first;
        auto *row = new QWidget(m_list);
        auto *text = new QLabel(row);
        text->setTextFormat(Qt::PlainText);
        text->setText(m_imageIds.size() == 1
                          ? name
                          : tr("%1 (%2 of %3)").arg(name).arg(shown.second).arg(m_imageIds.size()));
        auto *remove = new QToolButton(row);
        remove->setText(tr("Remove"));
        remove->setToolTip(tr("Remove “%1” from the selected images").arg(name));
        remove->setAccessibleName(tr("Remove %1").arg(name));
        connect(remove, &QToolButton::clicked, this, [this, name] { removeLabel(name); });

        auto *layout = new QHBoxLayout(row);
        layout->setContentsMargins(4, 2, 4, 2);
        layout->addWidget(text, 1);
        layout->addWidget(remove);
        auto *item = new QListWidgetItem(m_list);
        item->setSizeHint(row->sizeHint());
        m_list->setItemWidget(item, row);
    }
}

} // namespace likeness

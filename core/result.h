#pragma once

#include <QString>

#include <optional>
#include <utility>

namespace likeness {

// A value or a message a person can act on. Core functions that can fail for reasons outside
// the program (files, data, the user's input) return one of these instead of throwing.
template<typename T>
class Result
{
public:
    Result(T value) : m_value(std::move(value)) {}
    static Result failure(QString message)
    {
        Result result;
        result.m_error = std::move(message);
        return result;
    }

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }
    const QString &error() const { return m_error; }

    T &value() { return *m_value; }
    const T &value() const { return *m_value; }
    T &operator*() { return *m_value; }
    const T &operator*() const { return *m_value; }
    T *operator->() { return &*m_value; }
    const T *operator->() const { return &*m_value; }

private:
    Result() = default;

    std::optional<T> m_value;
    QString m_error;
};

// Success or a message: the result of an operation that returns nothing.
class Status
{
public:
    Status() = default;
    static Status failure(QString message)
    {
        Status status;
        status.m_error = std::move(message);
        status.m_failed = true;
        return status;
    }

    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const QString &error() const { return m_error; }

private:
    QString m_error;
    bool m_failed = false;
};

} // namespace likeness

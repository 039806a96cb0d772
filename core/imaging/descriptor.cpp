#include "descriptor.h"

#include "decoder.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>

namespace likeness {

namespace {

void normalizeBlock(float *values, int count, float weight)
{
    double sum = 0;
    for (int i = 0; i < count; ++i) {
        sum += double(values[i]) * values[i];
    }
    const float scale = sum > 0 ? float(weight / std::sqrt(sum)) : 0.f;
    for (int i = 0; i < count; ++i) {
        values[i] *= scale;
    }
}

} // namespace

void classicDescriptor(const QByteArray &modelInput, float *out)
{
    Q_ASSERT(modelInput.size() == ModelInputBytes);
    const cv::Mat rgb(ModelInputSide, ModelInputSide, CV_8UC3,
                      const_cast<char *>(modelInput.constData()));
    cv::Mat grey;
    cv::cvtColor(rgb, grey, cv::COLOR_RGB2GRAY);
    float *next = out;

    // Part 1: a 16 × 16 grey picture with its mean removed (shape and layout).
    cv::Mat small;
    cv::resize(grey, small, cv::Size(16, 16), 0, 0, cv::INTER_AREA);
    small.convertTo(small, CV_32F, 1.0 / 255.0);
    const float mean = float(cv::mean(small)[0]);
    for (int i = 0; i < 256; ++i) {
        next[i] = small.ptr<float>()[i] - mean;
    }
    normalizeBlock(next, 256, 1.0f);
    next += 256;

    // Part 2: a 4 × 4 × 4 colour histogram (palette).
    std::fill(next, next + 64, 0.f);
    for (int i = 0; i < ModelInputSide * ModelInputSide; ++i) {
        const auto *pixel = reinterpret_cast<const uchar *>(modelInput.constData()) + 3 * i;
        next[(pixel[0] >> 6) * 16 + (pixel[1] >> 6) * 4 + (pixel[2] >> 6)] += 1.f;
    }
    for (int i = 0; i < 64; ++i) {
        next[i] = std::sqrt(next[i]);
    }
    normalizeBlock(next, 64, 0.7f);
    next += 64;

    // Part 3: gradient orientations in 4 × 4 cells, 8 bins each, weighted by magnitude.
    cv::Mat dx;
    cv::Mat dy;
    cv::Sobel(grey, dx, CV_32F, 1, 0);
    cv::Sobel(grey, dy, CV_32F, 0, 1);
    std::fill(next, next + 128, 0.f);
    const int cell = ModelInputSide / 4;
    for (int y = 0; y < ModelInputSide; ++y) {
        for (int x = 0; x < ModelInputSide; ++x) {
            const float gx = dx.at<float>(y, x);
            const float gy = dy.at<float>(y, x);
            const float angle = std::atan2(gy, gx) + float(M_PI);
            const int bin = std::min(7, int(angle / (2 * M_PI) * 8));
            next[((y / cell) * 4 + x / cell) * 8 + bin] += std::sqrt(gx * gx + gy * gy);
        }
    }
    normalizeBlock(next, 128, 0.8f);

    normalizeBlock(out, ClassicDescriptorSize, 1.0f);
}

} // namespace likeness

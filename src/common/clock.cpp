// clock.cpp - anchors the common library; the clocks themselves are header-only.
#include "common/clock.hpp"

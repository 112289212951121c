/* A hardware model that calls into host software: what check_layers.py must refuse. */
#include "sim/host/host.h"

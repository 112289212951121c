/*
 * MCTP and what it carries between a Fabric Manager and CXL devices: the I2C buses
 * (i2c.h) and the MCTP-over-I2C endpoints on them. Registered by pcisim_mctp_register().
 */
#ifndef PCISIM_MCTP_MCTP_H
#define PCISIM_MCTP_MCTP_H

#include "sim/core/scenario.h"
#include "sim/pcie/fabric.h"

extern const struct pcisim_driver pcisim_mctp_drivers[]; /* i2c_mctp_cxl.c */
extern const struct pcisim_action_def pcisim_mctp_fwd_actions[]; /* i2c_mctp_cxl.c */

/** The i2c.* fault actions (i2c_faults.c). */
void pcisim_i2c_faults_register(void);

/** Register the I2C bus kind, the MCTP device models, their actions and record kinds. */
void pcisim_mctp_register(void);

#endif

// Static inline wrappers for OpenMPI handles that are macros over globals (not importable in Swift 6).
#ifndef RTCLUSTER_CMPI_SHIM_H
#define RTCLUSTER_CMPI_SHIM_H
#include <mpi.h>

static inline MPI_Comm rt_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Comm rt_mpi_comm_null(void) { return MPI_COMM_NULL; }
static inline MPI_Datatype rt_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Datatype rt_mpi_int8(void) { return MPI_INT8_T; }
static inline MPI_Datatype rt_mpi_uint8(void) { return MPI_UINT8_T; }
static inline MPI_Datatype rt_mpi_int16(void) { return MPI_INT16_T; }
static inline MPI_Datatype rt_mpi_int32(void) { return MPI_INT32_T; }
static inline MPI_Datatype rt_mpi_int64(void) { return MPI_INT64_T; }
static inline MPI_Datatype rt_mpi_uint64(void) { return MPI_UINT64_T; }
static inline MPI_Datatype rt_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype rt_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Op rt_mpi_op_sum(void) { return MPI_SUM; }
static inline MPI_Op rt_mpi_op_max(void) { return MPI_MAX; }
static inline MPI_Op rt_mpi_op_min(void) { return MPI_MIN; }
static inline void *rt_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline MPI_Errhandler rt_mpi_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline MPI_Status *rt_mpi_status_ignore(void) { return MPI_STATUS_IGNORE; }
static inline MPI_Request rt_mpi_request_null(void) { return MPI_REQUEST_NULL; }

#endif

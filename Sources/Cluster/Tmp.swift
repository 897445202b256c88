import Core
import CMPI
import Logging
func _t() { var f: Int32 = 0; MPI_Initialized(&f); _ = rt_mpi_comm_world() }

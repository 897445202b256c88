import Core
import CHDF5
import CZlib
func _t() { rt_h5_silence_errors(); _ = H5Fcreate("x", rt_h5f_acc_trunc(), rt_h5p_default(), rt_h5p_default()); _ = zlibVersion() }

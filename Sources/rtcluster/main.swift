import Core
import CBLAS
print("ok")
openblas_set_num_threads(1); print(cblas_sdot(2, [1,2], 1, [3,4], 1))

import Core
import Yams

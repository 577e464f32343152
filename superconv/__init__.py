__version__ = "0.0.1"

import warnings
# fastai's layers call `torch.jit.script` at import time, which torch 2.14 deprecates;
# every superconv module imports fastai
warnings.filterwarnings('ignore', message=r'`torch.jit.script` is deprecated', category=FutureWarning)

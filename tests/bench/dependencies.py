"""M1's and T1's baseline: what a drill process imports before any of warroom's own code runs.

SimPy and PyYAML, and of Faker the generator and the providers the cast draws from (`sim.engine.cast.fake`).
Importing any part of Faker runs the package's `__init__`, which imports every provider package (not their
locales): that is most of what Faker costs a process, whichever providers the cast adds.
"""

import simpy  # noqa: F401
import yaml  # noqa: F401
from faker import Generator  # noqa: F401
from faker.providers.company.en_US import Provider as CompanyProvider  # noqa: F401
from faker.providers.person.en_US import Provider as PersonProvider  # noqa: F401
from faker.providers.user_agent import Provider as UserAgentProvider  # noqa: F401
